// The ops board page: plain JavaScript, no build step, no third-party code. Data arrives over
// server-sent events (/api/events); every value is put into the page as text, never as HTML.
/* global document, location, history, URLSearchParams, EventSource, fetch, Node, setTimeout, clearTimeout, setInterval */
'use strict';

(() => {
  const MAX_ALERTS = 50;
  const MAX_ROWS = 40;
  const query = new URLSearchParams(location.search);
  const $ = (id) => document.getElementById(id);
  const number = new Intl.NumberFormat('ru-RU');
  const percent = new Intl.NumberFormat('ru-RU', { style: 'percent', maximumFractionDigits: 1 });
  const clock = new Intl.DateTimeFormat('ru-RU', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

  let meta = { categories: {}, priorities: {}, alertKinds: {}, platforms: {}, regions: [] };
  let source;
  let retry;
  const RETRY_MS = 30_000;
  let serverOffset = 0; // server clock minus this browser's clock
  let alerts = [];

  const filter = () => ({
    region: $('f-region').value,
    category: $('f-category').value,
    priority: $('f-priority').value,
  });

  function apiUrl(path, params = {}) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
    const s = q.toString();
    return s ? `${path}?${s}` : path;
  }

  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === 'className') node.className = v;
      else if (k === 'dataset') Object.assign(node.dataset, v);
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** "2 ч 05 мин", "45 мин", "3 сут 4 ч", "40 с". */
  function duration(ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    if (s < 60) return `${s} с`;
    const m = Math.floor(s / 60);
    if (m < 60) return `${m} мин`;
    const h = Math.floor(m / 60);
    if (h < 48) return `${h} ч ${String(m % 60).padStart(2, '0')} мин`;
    return `${Math.floor(h / 24)} сут ${h % 24} ч`;
  }

  /** Which deadline of an appeal (issue #16); alerts of older writers have none: the first reply. */
  const TARGET_LABELS = {
    FIRST_REPLY: 'первый ответ',
    FINAL_ANSWER: 'окончательный ответ',
    NEXT_REPLY: 'повторный ответ',
  };
  const targetLabel = (t) => TARGET_LABELS[t || 'FIRST_REPLY'] || t;
  const categoryLabel = (c) => meta.categories[c] || c;
  const priorityLabel = (p) => meta.priorities[p] || p;
  const safeUrl = (u) => (typeof u === 'string' && /^https?:\/\//i.test(u) ? u : null);

  function commentLink(text, url, title) {
    const href = safeUrl(url);
    if (!href) return el('span', { title }, text);
    return el('a', { href, target: '_blank', rel: 'noopener noreferrer', title }, text);
  }

  function setStatus(state, text) {
    const status = $('status');
    status.dataset.state = state;
    status.textContent = text;
  }

  function fillSelect(select, entries) {
    for (const [value, label] of entries) select.append(el('option', { value }, label));
  }

  function readFilterFromUrl() {
    for (const name of ['region', 'category', 'priority']) {
      const value = query.get(name);
      if (value) $(`f-${name}`).value = value;
    }
  }

  function writeFilterToUrl() {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(filter())) if (v) q.set(k, v);
    const s = q.toString();
    history.replaceState(null, '', s ? `?${s}` : location.pathname);
  }

  function renderTotals(s) {
    $('t-open').textContent = number.format(s.totals.open);
    $('t-soon').textContent = number.format(s.totals.dueWithinHour);
    $('t-overdue').textContent = number.format(s.totals.overdue);
    $('t-overdue-hint').textContent = s.totals.overdueExact
      ? 'срок первого ответа истёк'
      : 'не меньше: оповещения отстают, подсчёт неполный';
    $('matrix-partial').hidden = !s.partial;
    $('t-soon-hint').textContent = s.partial ? 'не меньше: подсчёт неполный' : 'ответить в первую очередь';
    const answered = s.totals.answeredInTimeToday + s.totals.answeredLateToday;
    $('t-compliance').textContent =
      s.totals.complianceToday === null ? '—' : percent.format(s.totals.complianceToday);
    $('t-compliance-hint').textContent = answered
      ? `в срок ${number.format(s.totals.answeredInTimeToday)} из ${number.format(answered)}`
      : 'ответов сегодня пока нет';
  }

  function renderLifecycle(s) {
    const l = s.lifecycle;
    $('l-final-open').textContent = number.format(l.finalAnswer.open);
    $('l-final-soon').textContent = number.format(l.finalAnswer.dueWithinHour);
    $('l-final-overdue').textContent = number.format(l.finalAnswer.overdue);
    $('l-paused').textContent = number.format(l.paused);
    $('l-next-open').textContent = number.format(l.nextReply.open);
    $('l-next-hint').textContent = l.nextReply.open
      ? `просрочено ${number.format(l.nextReply.overdue)}, срок в течение часа ${number.format(l.nextReply.dueWithinHour)}`
      : 'повторных обращений нет';
  }

  function renderMatrix(s) {
    const table = $('matrix');
    table.replaceChildren();
    $('matrix-empty').hidden = s.regions.length > 0;
    if (!s.regions.length) return;
    const cells = new Map(s.cells.map((c) => [`${c.region}|${c.category}`, c]));
    const pick = (name, value) => () => {
      $(`f-${name}`).value = value;
      changed();
    };
    const head = el('tr', {}, el('th', {}, 'Регион'), el('th', { className: 'num' }, 'Всего'));
    for (const c of s.categories) {
      head.append(
        el(
          'th',
          {
            className: 'num pick',
            title: 'Показать только эту категорию',
            onclick: pick('category', c.code),
          },
          categoryLabel(c.code),
        ),
      );
    }
    const body = el('tbody');
    const figure = (open, overdue, severity) =>
      el('span', { className: `sev sev-${severity}` }, `${number.format(open)} / ${number.format(overdue)}`);
    for (const r of s.regions.slice(0, MAX_ROWS)) {
      const row = el(
        'tr',
        { dataset: { region: r.code } },
        el(
          'th',
          { className: 'pick', title: 'Показать только этот регион', onclick: pick('region', r.code) },
          `${r.name} (${r.code})`,
        ),
        el('td', { className: 'num' }, figure(r.open, r.overdue, r.severity)),
      );
      for (const c of s.categories) {
        const cell = cells.get(`${r.code}|${c.code}`);
        row.append(
          el(
            'td',
            { className: 'num', dataset: { category: c.code } },
            cell ? figure(cell.open, cell.overdue, cell.severity) : '·',
          ),
        );
      }
      body.append(row);
    }
    table.append(el('thead', {}, head), body);
    if (s.regions.length > MAX_ROWS) {
      body.append(
        el(
          'tr',
          {},
          el(
            'td',
            { colspan: String(s.categories.length + 2) },
            `…и ещё регионов: ${s.regions.length - MAX_ROWS}; выберите регион в фильтре`,
          ),
        ),
      );
    }
  }

  function renderOverdue(s) {
    const body = $('overdue').tBodies[0];
    body.replaceChildren();
    $('overdue-empty').hidden = s.overdue.length > 0;
    $('overdue').hidden = s.overdue.length === 0;
    for (const o of s.overdue) {
      const place = o.municipality ? `${o.regionName}, ${o.municipality}` : o.regionName;
      body.append(
        el(
          'tr',
          { dataset: { key: o.commentKey } },
          el(
            'td',
            { className: 'late', dataset: { due: String(o.dueAt) } },
            duration(Date.now() + serverOffset - o.dueAt),
          ),
          el('td', { className: 'target', dataset: { target: o.target } }, targetLabel(o.target)),
          el('td', { className: `prio-${o.priority}` }, priorityLabel(o.priority)),
          el('td', {}, categoryLabel(o.category)),
          el('td', {}, place),
          el('td', {}, `${meta.platforms[o.platform] || o.platform} · ${o.pageId}`),
          el('td', {}, commentLink(o.excerpt || o.commentKey, o.url, o.commentKey)),
        ),
      );
    }
  }

  const SEVERITY_LABELS = { low: 'низкая', medium: 'средняя', high: 'высокая', critical: 'критическая' };

  /** Members per 10 minutes over the last two hours, as bars (no SVG: every value is text or a height). */
  function sparkline(counts) {
    const max = Math.max(1, ...counts);
    return el(
      'span',
      { className: 'spark', title: `по 10 минут: ${counts.join(' ')}`, 'aria-label': 'темп' },
      // Set through the CSSOM: the page's CSP allows no style attribute.
      ...counts.map((n) => {
        const bar = el('span');
        bar.style.height = `${Math.round((n / max) * 100)}%`;
        return bar;
      }),
    );
  }

  function renderIncidents(s) {
    const list = $('incidents');
    const incidents = s.incidents || [];
    $('incidents-empty').hidden = incidents.length > 0;
    list.replaceChildren(
      ...incidents.map((i) => {
        const place = [i.regionName, i.municipality].filter(Boolean).join(', ');
        const kind = i.type === 'campaign' ? 'кампания' : 'инцидент';
        return el(
          'li',
          { dataset: { incident: i.incident_id, type: i.type, severity: i.severity } },
          el(
            'div',
            { className: 'meta' },
            el('span', { className: `sev sev-${i.severity}` }, SEVERITY_LABELS[i.severity] || i.severity),
            el('span', {}, kind),
            el('span', {}, place),
            el('span', {}, categoryLabel(i.category)),
            el('span', { className: 'size' }, `${number.format(i.size)} сообщ.`),
            el('span', { className: 'unanswered' }, `без ответа: ${number.format(i.unanswered)}`),
            i.type === 'campaign'
              ? el('span', { className: 'flagged' }, `помечено: ${number.format(i.flagged || 0)}`)
              : null,
            el('span', {}, `с ${clock.format(new Date(i.first_member_at))}`),
            sparkline(i.spark || []),
          ),
          el('div', { className: 'title' }, i.title),
          el(
            'details',
            {},
            el('summary', {}, `участники (${i.members.length} из ${i.size})`),
            el(
              'ul',
              { className: 'members' },
              ...i.members.map((m) =>
                el(
                  'li',
                  { className: m.unanswered ? 'waiting' : '', dataset: { key: m.key } },
                  commentLink(m.key, m.url, m.key),
                ),
              ),
            ),
          ),
        );
      }),
    );
  }

  function tickLateness() {
    const now = Date.now() + serverOffset;
    for (const cell of document.querySelectorAll('td.late[data-due]')) {
      cell.textContent = duration(now - Number(cell.dataset.due));
    }
  }

  function alertItem(a, fresh) {
    const kind =
      a.kind === 'ESCALATION'
        ? `${meta.alertKinds[a.kind] || a.kind} ${a.level}`
        : meta.alertKinds[a.kind] || a.kind;
    const late =
      a.overdue_ms >= 0 ? `просрочено на ${duration(a.overdue_ms)}` : `до срока ${duration(-a.overdue_ms)}`;
    const item = el(
      'li',
      {
        className: fresh ? 'fresh' : '',
        dataset: { alertId: a.alert_id, kind: a.kind, target: a.target || 'FIRST_REPLY' },
      },
      el(
        'div',
        { className: 'meta' },
        el('span', { className: `kind kind-${a.kind}` }, kind),
        el('time', { datetime: new Date(a.fired_at).toISOString() }, clock.format(new Date(a.fired_at))),
        el('span', {}, a.regionName),
        el('span', {}, categoryLabel(a.category)),
        el('span', { className: `prio-${a.priority}` }, priorityLabel(a.priority)),
        el('span', {}, late),
        el('span', { className: 'target' }, targetLabel(a.target)),
      ),
      el('div', { className: 'text' }, commentLink(a.excerpt || a.comment_key, a.url, a.comment_key)),
    );
    if (fresh) setTimeout(() => item.classList.remove('fresh'), 3000);
    return item;
  }

  function renderAlerts(fresh = new Set()) {
    const list = $('alerts');
    list.replaceChildren(...alerts.map((a) => alertItem(a, fresh.has(a.alert_id))));
    $('alerts-empty').hidden = alerts.length > 0;
  }

  function addAlerts(incoming) {
    const known = new Set(alerts.map((a) => a.alert_id));
    const fresh = incoming.filter((a) => !known.has(a.alert_id));
    if (!fresh.length) return;
    alerts = [...fresh, ...alerts].sort((a, b) => b.fired_at - a.fired_at).slice(0, MAX_ALERTS);
    renderAlerts(new Set(fresh.map((a) => a.alert_id)));
  }

  function onSnapshot(s) {
    serverOffset = s.now - Date.now();
    renderTotals(s);
    renderLifecycle(s);
    renderMatrix(s);
    renderOverdue(s);
    renderIncidents(s);
    $('updated').textContent = `обновлено в ${clock.format(new Date())}`;
    document.body.dataset.ready = 'true';
  }

  function connect() {
    if (source) source.close();
    setStatus('connecting', 'Подключение…');
    source = new EventSource(apiUrl('/api/events', filter()));
    source.addEventListener('open', () => setStatus('live', 'В реальном времени'));
    source.addEventListener('error', () => {
      setStatus('problem', 'Нет связи, переподключение…');
      // Refused (too many boards open, or the session ended): EventSource gives up; try again later.
      if (source.readyState === EventSource.CLOSED) {
        clearTimeout(retry);
        retry = setTimeout(connect, RETRY_MS);
      }
    });
    source.addEventListener('snapshot', (e) => {
      setStatus('live', 'В реальном времени');
      onSnapshot(JSON.parse(e.data));
    });
    source.addEventListener('alerts', (e) => {
      alerts = JSON.parse(e.data).slice(0, MAX_ALERTS);
      renderAlerts();
    });
    source.addEventListener('alert', (e) => addAlerts(JSON.parse(e.data)));
    source.addEventListener('problem', (e) => setStatus('problem', JSON.parse(e.data).message));
  }

  function changed() {
    writeFilterToUrl();
    document.body.dataset.ready = 'false';
    connect();
  }

  /** The login form submits `/?token=…` with the filters; the server sets a cookie and drops the token. */
  function askForToken() {
    const failed = query.get('login') === 'failed';
    setStatus('problem', failed ? 'Неверный токен доступа' : 'Нужен токен доступа');
    const form = $('login');
    for (const name of ['region', 'category', 'priority']) {
      const value = query.get(name);
      if (value) form.append(el('input', { type: 'hidden', name, value }));
    }
    $('login-failed').hidden = !failed;
    form.hidden = false;
    $('login-token').focus();
  }

  async function start() {
    try {
      // The session cookie (set by /?token=…) goes with same-origin requests, EventSource included.
      const response = await fetch(apiUrl('/api/meta'));
      if (response.status === 401) {
        askForToken();
        return;
      }
      meta = await response.json();
    } catch {
      setStatus('problem', 'Сервер панели недоступен');
      return;
    }
    fillSelect(
      $('f-region'),
      meta.regions.map((r) => [r.code, `${r.name} (${r.code})`]),
    );
    fillSelect($('f-category'), Object.entries(meta.categories));
    fillSelect($('f-priority'), Object.entries(meta.priorities));
    readFilterFromUrl();
    for (const name of ['region', 'category', 'priority']) $(`f-${name}`).addEventListener('change', changed);
    $('f-reset').addEventListener('click', () => {
      for (const name of ['region', 'category', 'priority']) $(`f-${name}`).value = '';
      changed();
    });
    setInterval(tickLateness, 1000);
    connect();
  }

  start();
})();
