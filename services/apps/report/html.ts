/**
 * The report as one HTML page in Russian: a section per region with its key figures, the reply-time
 * distribution, pages, top problems with trend arrows and examples, repeat complaints and the backlog
 * at the period's end. Charts are inline SVG (charts.ts); every number names its SQL (format.ts); any
 * other text with digits in it (dates, bucket names, comment keys) is marked `data-label`.
 */
import { CATEGORY_LABELS } from '../ops/labels.js';
import { regionInfo } from '../../core/regions/index.js';
import type { Category } from '../../core/contracts/index.js';
import { dailyChart, problemsChart, replyDistributionChart } from './charts.js';
import { escapeHtml, numberHtml, type NumberKind } from './format.js';
import type { RegionSection, ReportData, ReportQueryName, Row } from './queries.js';
import { REPORT_QUERIES } from './queries.js';

const STYLE = `
body { font-family: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif; color: #222; margin: 24px; font-size: 13px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 2px solid #2f5d8a; }
h3 { font-size: 14px; margin: 18px 0 6px; }
.kpis { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px; }
.kpi { border: 1px solid #d8dee6; border-radius: 4px; padding: 6px 8px; }
.kpi .label { color: #555; font-size: 11px; } .kpi .num { font-size: 18px; font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin: 4px 0; }
th, td { border-bottom: 1px solid #e2e6eb; padding: 3px 6px; text-align: left; vertical-align: top; }
td.n { text-align: right; white-space: nowrap; } th.n { text-align: right; }
@media print { table { font-size: 11px; } }
.up { color: #b3261e; } .down { color: #1e7b34; } .flat { color: #666; }
.note { color: #666; font-size: 11px; }
section.region { break-before: page; } section.region:first-of-type { break-before: auto; }
.chart svg { max-width: 100%; height: auto; }
h3, table, .chart { break-inside: avoid; }
@media print { body { margin: 0; } }
`;

function dateOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).split('-').reverse().join('.');
}

function regionTitle(code: string): string {
  const info = regionInfo(code);
  return info === undefined ? `Регион ${code}` : `${info.name} (${info.code})`;
}

function categoryLabel(category: unknown): string {
  return CATEGORY_LABELS[category as Category] ?? String(category);
}

function keyOf(query: ReportQueryName, row: Row): Record<string, unknown> {
  return Object.fromEntries(REPORT_QUERIES[query].key.map((k) => [k, row[k]]));
}

function cell(query: ReportQueryName, region: string, row: Row, column: string, kind: NumberKind): string {
  return `<td class="n">${numberHtml(row[column], kind, { query, region, row: keyOf(query, row), column })}</td>`;
}

function kpi(
  label: string,
  query: ReportQueryName,
  region: string,
  row: Row,
  column: string,
  kind: NumberKind,
) {
  return `<div class="kpi"><div class="label" data-label>${escapeHtml(label)}</div>${numberHtml(
    row[column],
    kind,
    {
      query,
      region,
      column,
    },
  )}</div>`;
}

function table(head: string[], rows: string[], numeric: boolean[] = []): string {
  const th = head
    .map((h, i) => `<th${numeric[i] ? ' class="n"' : ''} data-label>${escapeHtml(h)}</th>`)
    .join('');
  const body =
    rows.length === 0 ? `<tr><td colspan="${head.length}" class="note">нет данных</td></tr>` : rows.join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

const TREND: Record<string, string> = {
  up: '<span class="up">▲ рост</span>',
  down: '<span class="down">▼ снижение</span>',
  flat: '<span class="flat">→ в пределах шума</span>',
};

function problemLabel(row: Row): string {
  const place = row.municipality === '' ? '' : `${String(row.municipality)}: `;
  return `${place}${categoryLabel(row.category)} — «${String(row.theme)}»`;
}

function sectionHtml(s: RegionSection): string {
  const r = s.region;
  const v = s.volume;
  const rep = s.reply;
  const kpis = [
    kpi('Комментариев', 'volume', r, v, 'comments', 'count'),
    kpi('Жалоб', 'volume', r, v, 'complaints', 'count'),
    kpi('Доля жалоб', 'volume', r, v, 'complaint_share', 'share'),
    kpi('Доля вопросов', 'volume', r, v, 'question_share', 'share'),
    kpi('Доля предложений', 'volume', r, v, 'suggestion_share', 'share'),
    kpi('Токсичных', 'volume', r, v, 'toxic_share', 'share'),
    kpi('Спама', 'volume', r, v, 'spam_share', 'share'),
    kpi('Требовали ответа', 'reply', r, rep, 'needing_reply', 'count'),
    kpi('Получили ответ', 'reply', r, rep, 'answered', 'count'),
    kpi('Медиана до ответа', 'reply', r, rep, 'median_minutes', 'minutes'),
    kpi('90-й процентиль', 'reply', r, rep, 'p90_minutes', 'minutes'),
    kpi('В срок по регламенту', 'reply', r, rep, 'within_target_share', 'share'),
    kpi('В пределах 4 часов', 'reply', r, rep, 'within_4h_share', 'share'),
  ].join('');

  const distribution = table(
    ['Время до ответа', 'Комментариев'],
    s.reply_distribution.map(
      (row) =>
        `<tr><td data-label>${escapeHtml(String(row.label))}</td>${cell('reply_distribution', r, row, 'comments', 'count')}</tr>`,
    ),
    [false, true],
  );

  const pages = table(
    ['Страница', 'Требовали ответа', 'Ответов', 'Медиана', '90-й процентиль', 'В пределах 4 ч'],
    s.pages.map(
      (row) =>
        `<tr><td data-label>${escapeHtml(String(row.page_id))}</td>${cell('pages', r, row, 'needing_reply', 'count')}${cell(
          'pages',
          r,
          row,
          'answered',
          'count',
        )}${cell('pages', r, row, 'median_minutes', 'minutes')}${cell('pages', r, row, 'p90_minutes', 'minutes')}${cell(
          'pages',
          r,
          row,
          'within_4h_share',
          'share',
        )}</tr>`,
    ),
    [false, true, true, true, true, true],
  );

  const problems = table(
    ['Проблема', 'Жалоб', 'В прошлом периоде', 'Изменение', 'p', 'Тренд', 'Примеры'],
    s.top_problems.map((row) => {
      const keys = (row.example_keys as string[] | null) ?? [];
      const urls = (row.example_urls as (string | null)[] | null) ?? [];
      const examples = keys
        .map((k, i) =>
          urls[i]
            ? `<a href="${escapeHtml(String(urls[i]))}" data-label>${escapeHtml(k)}</a>`
            : `<span data-label>${escapeHtml(k)}</span>`,
        )
        .join(', ');
      return `<tr><td data-label>${escapeHtml(problemLabel(row))}</td>${cell('top_problems', r, row, 'complaints', 'count')}${cell(
        'top_problems',
        r,
        row,
        'previous',
        'count',
      )}${cell('top_problems', r, row, 'change', 'count')}${cell('top_problems', r, row, 'p_value', 'p')}<td>${
        TREND[String(row.trend)] ?? ''
      }</td><td>${examples}</td></tr>`;
    }),
    [false, true, true, true, true, false, false],
  );

  const repeats = table(
    ['Проблема', 'Жалоб', 'Повторных после ответа', 'Доля повторных'],
    s.repeats.map(
      (row) =>
        `<tr><td data-label>${escapeHtml(problemLabel(row))}</td>${cell('repeats', r, row, 'complaints', 'count')}${cell(
          'repeats',
          r,
          row,
          'repeats',
          'count',
        )}${cell('repeats', r, row, 'repeat_share', 'share')}</tr>`,
    ),
    [false, true, true, true],
  );

  const backlog = table(
    ['Возраст', 'Без ответа', 'Из них с нарушением срока'],
    s.backlog.map(
      (row) =>
        `<tr><td data-label>${escapeHtml(String(row.label))}</td>${cell('backlog', r, row, 'unanswered', 'count')}${cell(
          'backlog',
          r,
          row,
          'breached',
          'count',
        )}</tr>`,
    ),
    [false, true, true],
  );

  const effect: Record<string, string> = {
    fell: '<span class="down">▼ снизились</span>',
    rose: '<span class="up">▲ выросли</span>',
    unchanged: '<span class="flat">→ без изменений</span>',
    too_early: '<span class="flat">рано судить</span>',
  };
  const decisions = table(
    [
      'Решение',
      'Проблема',
      'Дней',
      'Жалоб до',
      'после',
      'В день до',
      'после',
      'Изменение в день',
      '95 % интервал',
      'Итог',
    ],
    s.decisions.map((row) => {
      const c = (column: string, kind: NumberKind) => cell('decisions', r, row, column, kind);
      const problem = `${row.municipality === '' ? '' : `${String(row.municipality)}: `}${categoryLabel(row.category)}${
        row.theme === '' ? '' : ` — «${String(row.theme)}»`
      }`;
      return `<tr><td data-label>${escapeHtml(String(row.title))}<br><span class="note">${escapeHtml(String(row.day))}</span></td><td data-label>${escapeHtml(
        problem,
      )}</td>${c('window_days', 'count')}${c('before', 'count')}${c('after', 'count')}${c('rate_before', 'rate')}${c(
        'rate_after',
        'rate',
      )}${c('rate_change', 'rate')}<td class="n">${numberHtml(row.change_low, 'rate', {
        query: 'decisions',
        region: r,
        row: keyOf('decisions', row),
        column: 'change_low',
      })} … ${numberHtml(row.change_high, 'rate', {
        query: 'decisions',
        region: r,
        row: keyOf('decisions', row),
        column: 'change_high',
      })}</td><td>${effect[String(row.effect)] ?? ''}</td></tr>`;
    }),
    [false, false, true, true, true, true, true, true, true, false],
  );

  return `<section class="region" data-region="${escapeHtml(r)}">
<h2 data-label>${escapeHtml(regionTitle(r))}</h2>
<h3>Ключевые показатели</h3><div class="kpis">${kpis}</div>
<h3>Комментарии и жалобы по дням</h3><div class="chart">${dailyChart(
    s.daily.map((d) => ({
      day: String(d.day),
      comments: Number(d.comments),
      complaints: Number(d.complaints),
    })),
  )}</div>
<h3>Время до первого официального ответа</h3>
<div class="chart">${replyDistributionChart(
    s.reply_distribution.map((b) => ({ label: String(b.label), comments: Number(b.comments) })),
  )}</div>${distribution}
<h3>Страницы</h3>${pages}
<h3>Главные проблемы</h3>
${
  s.top_problems.length === 0
    ? ''
    : `<div class="chart">${problemsChart(
        s.top_problems.map((p) => ({
          label: problemLabel(p),
          complaints: Number(p.complaints),
          previous: Number(p.previous),
        })),
      )}</div>`
}${problems}
<p class="note" data-label>Тренд — точный биномиальный тест: изменение считается значимым при p &lt; 0,05.</p>
<h3>Повторные жалобы</h3>${repeats}
<h3>Очередь на конец периода</h3>${backlog}
<h3>Решения и их результат</h3>${decisions}
<p class="note" data-label>Жалобы на ту же проблему в том же месте за равные окна до и после решения (до 30 дней);
«без изменений» — 95 % интервал изменения включает ноль.</p>
</section>`;
}

/** The whole page. */
export function reportHtml(data: ReportData, extraSections: (s: RegionSection) => string = () => ''): string {
  const { fromMs, toMs } = data.period;
  const sections = data.sections.map((s) =>
    sectionHtml(s).replace('</section>', `${extraSections(s)}</section>`),
  );
  return `<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>Отклик: аналитический отчёт</title><style>${STYLE}</style></head>
<body>
<h1>Обращения граждан в социальных сетях: аналитический отчёт</h1>
<p class="note" data-label>Период: ${dateOf(fromMs)} — ${dateOf(toMs - 1)} (UTC). Сформирован ${escapeHtml(
    new Date(data.generatedAtMs).toISOString().replace('T', ' ').slice(0, 16),
  )} UTC.</p>
${sections.length === 0 ? '<p>За период нет комментариев.</p>' : sections.join('\n')}
</body></html>
`;
}
