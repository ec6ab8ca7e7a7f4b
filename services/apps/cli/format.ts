import type { ClassifiedComment, SlaAlert } from '../../core/contracts/index.js';
import { regionInfo } from '../../core/regions/index.js';
import { terminalSafe } from './terminal-safe.js';

const EXCERPT_CHARS = 80;

/** "2h05m", "45m", "30s"; negative durations get a minus sign. */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const s = Math.floor(Math.abs(ms) / 1000);
  if (s < 60) return `${sign}${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${sign}${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${sign}${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${sign}${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

/** Local time of day with the date: "2026-05-01 12:03:04". */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** "54 Новосибирская область"; an unknown code as given. */
export function regionLabel(code: string): string {
  const info = regionInfo(code);
  return info ? `${info.code} ${info.name}` : code;
}

export function excerptOf(text: string, chars = EXCERPT_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > chars ? `${flat.slice(0, chars - 1)}…` : flat;
}

/** One line for a terminal: every field comes from a message, so the line goes through terminalSafe. */
export function formatAlertLine(alert: SlaAlert): string {
  const kind = alert.kind === 'ESCALATION' ? `ESCALATION ${alert.level}` : alert.kind;
  const late =
    alert.overdue_ms >= 0
      ? `late ${formatDuration(alert.overdue_ms)}`
      : `due in ${formatDuration(-alert.overdue_ms)}`;
  const line = [
    formatTime(alert.fired_at),
    kind.padEnd(12),
    alert.comment_key,
    regionLabel(alert.region),
    `${alert.category}/${alert.priority}`,
    late,
    `«${excerptOf(alert.excerpt)}»`,
    alert.url ?? '',
  ]
    .filter(Boolean)
    .join('  ');
  return terminalSafe(line);
}

/** One line for a terminal, through terminalSafe like formatAlertLine. */
export function formatClassifiedLine(classified: ClassifiedComment): string {
  const c = classified.classification;
  const flags = [c.toxic ? 'toxic' : '', c.spam ? 'spam' : '', c.actionable ? '' : 'no-reply-needed']
    .filter(Boolean)
    .map((f) => `[${f}]`)
    .join('');
  const line = [
    formatTime(classified.comment.posted_at),
    classified.comment.op,
    classified.key,
    regionLabel(classified.comment.region),
    `${c.category}/${c.type}/${c.priority}`,
    flags,
    classified.sla ? `due ${formatTime(classified.sla.due_at)}` : 'no SLA',
    `«${excerptOf(classified.comment.text)}»`,
  ]
    .filter(Boolean)
    .join('  ');
  return terminalSafe(line);
}

/** A plain text table: left-aligned text, right-aligned numbers; cells through terminalSafe. */
export function formatTable(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))].map((r) => r.map(terminalSafe));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => [...(r[i] ?? '')].length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  const pad = (text: string, i: number) => {
    const fill = ' '.repeat(Math.max(0, (widths[i] ?? 0) - [...text].length));
    return numeric[i] ? fill + text : text + fill;
  };
  const line = (r: string[]) => r.map(pad).join('  ').trimEnd();
  return [line(cells[0]!), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}
