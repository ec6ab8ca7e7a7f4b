/**
 * The replay's contract (issue #17, item 6) on small hand-written streams: one OPENED first, only CLOSED
 * after CLOSED, members posted no later than `at`, EDITED/DELETED reuse ids, officials and bots never
 * members, municipality null on region-level pages, event time as the only clock.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ReplayStream } from '../../../../services/apps/incidents/replay-stream.js';
import type { IncidentReplayLine } from '../../../../services/core/incidents/index.js';
import { entryArguments } from '../../../../services/runtime/launch.js';

const T0 = Date.UTC(2019, 2, 4, 3, 0, 0); // years before any wall clock this runs on
const MIN = 60_000;

interface Row {
  id: string;
  text: string;
  at: number;
  author?: string;
  kind?: string;
  op?: string;
  page?: string;
  municipality?: string | null;
  region?: string;
}

function line(r: Row): string {
  return JSON.stringify({
    event_id: `${r.id}-${r.op ?? 'POSTED'}-${r.at}`,
    op: r.op ?? 'POSTED',
    platform: 'VK',
    comment_id: r.id,
    page_id: r.page ?? 'adm-55-tara',
    region: r.region ?? '55',
    municipality: r.municipality === undefined ? 'Тара' : r.municipality,
    author: { id: r.author ?? `author-${r.id}`, kind: r.kind ?? 'CITIZEN' },
    text: r.text,
    posted_at: r.at,
  });
}

function replay(rows: Row[]): { events: IncidentReplayLine[]; problems: string[] } {
  const stream = new ReplayStream();
  const events: IncidentReplayLine[] = [];
  const problems: string[] = [];
  rows.forEach((r, i) => {
    const result = stream.push(line(r), i + 1);
    if (result.problem !== null) problems.push(result.problem);
    for (const l of result.lines) events.push(JSON.parse(l) as IncidentReplayLine);
  });
  return { events, problems };
}

const WATER = [
  'На улице Мира нет воды с самого утра',
  'Третий час без воды, дом 5 по улице Мира',
  'Когда дадут воду на улице Мира?',
  'Отключили холодную воду на улице Мира, никто не предупредил',
  'У нас на улице Мира сухие краны, что случилось с водой?',
  'Нет воды на Мира 12, когда включат воду?',
  'Улица Мира без воды, дети не умыты',
];

/** A quiet morning of unrelated comments, then a burst about water on one street. */
function burst(extra: Row[] = []): Row[] {
  const rows: Row[] = [
    { id: 'b1', text: 'Спасибо за новую детскую площадку', at: T0 },
    { id: 'b2', text: 'Когда откроют библиотеку после ремонта?', at: T0 + 40 * MIN },
    { id: 'b3', text: 'В поликлинике нет талонов к терапевту', at: T0 + 80 * MIN },
  ];
  WATER.forEach((text, i) => rows.push({ id: `w${i}`, text, at: T0 + 120 * MIN + i * 3 * MIN }));
  return [...rows, ...extra].sort((a, b) => a.at - b.at);
}

function membersOf(events: IncidentReplayLine[], id: string): string[] {
  return events.filter((e) => e.incident_id === id).flatMap((e) => e.comment_ids);
}

describe('incidents:replay contract', () => {
  it('opens one incident for a burst, OPENED first, every member posted no later than its line', () => {
    const rows = burst();
    const { events, problems } = replay(rows);
    expect(problems).toEqual([]);
    const ids = [...new Set(events.map((e) => e.incident_id))];
    expect(ids).toHaveLength(1);
    const first = events[0]!;
    expect(first.kind).toBe('OPENED');
    expect(first.type).toBe('incident');
    expect(first.region).toBe('55');
    expect(first.municipality).toBe('Тара');
    const postedAt = new Map(rows.map((r) => [`VK:${r.id}`, r.at]));
    for (const e of events) for (const m of e.comment_ids) expect(postedAt.get(m)!).toBeLessThanOrEqual(e.at);
    expect(new Set(membersOf(events, first.incident_id))).toEqual(new Set(WATER.map((_, i) => `VK:w${i}`)));
  });

  it('never takes an official reply or a bot as a member, and counts an edited comment once', () => {
    const t = T0 + 120 * MIN;
    const { events, problems } = replay(
      burst([
        {
          id: 'off1',
          text: 'Аварийная бригада устраняет порыв, воду на улице Мира дадут к вечеру',
          at: t + 4 * MIN,
          kind: 'OFFICIAL',
          author: 'adm',
        },
        {
          id: 'bot1',
          text: 'Нет воды на улице Мира, когда дадут воду?',
          at: t + 5 * MIN,
          kind: 'BOT',
          author: 'bot',
        },
        { id: 'w1', op: 'EDITED', text: 'Третий час без воды, дом 5 по улице Мира!!!', at: t + 7 * MIN },
        { id: 'w2', op: 'DELETED', text: '', at: t + 8 * MIN },
      ]),
    );
    expect(problems).toEqual([]); // a DELETED without text is accepted too
    const members = membersOf(events, events[0]!.incident_id);
    expect(members).not.toContain('VK:off1');
    expect(members).not.toContain('VK:bot1');
    expect(members.filter((m) => m === 'VK:w1')).toHaveLength(1);
    expect(new Set(members).size).toBe(members.length);
  });

  it('closes after a quiet spell and writes nothing but CLOSED after it', () => {
    const later = T0 + 12 * 60 * MIN;
    const { events } = replay(
      burst([
        { id: 'late1', text: 'Опять нет воды на улице Мира', at: later },
        { id: 'late2', text: 'Когда дадут воду на улице Мира?', at: later + MIN },
      ]),
    );
    const id = events[0]!.incident_id;
    const kinds = events.filter((e) => e.incident_id === id).map((e) => e.kind);
    const closedAt = kinds.indexOf('CLOSED');
    expect(closedAt).toBeGreaterThan(0);
    expect(kinds.slice(closedAt).every((k) => k === 'CLOSED')).toBe(true);
    expect(kinds.filter((k) => k === 'OPENED')).toHaveLength(1);
  });

  it('reports municipality null when the burst is on a region-level page that names no known place', () => {
    const rows = burst().map((r) => ({ ...r, page: 'gov-55', municipality: null }));
    const { events } = replay(rows);
    expect(events[0]!.kind).toBe('OPENED');
    expect(events[0]!.municipality).toBeNull();
  });

  it('accepts old events (the stream is its own clock) and gives the same ids on a second replay', () => {
    const a = replay(burst());
    const b = replay(burst());
    expect(a.problems).toEqual([]);
    expect(a.events.length).toBeGreaterThan(0);
    expect(b.events).toEqual(a.events);
  });

  it('refuses a line far outside the stream time and lines that are not comments, and goes on', () => {
    const stream = new ReplayStream();
    expect(stream.push(line({ id: 'x', text: 'Нет воды', at: T0 }), 1).problem).toBeNull();
    expect(stream.push(line({ id: 'y', text: 'Нет воды', at: T0 + 3 * 60 * MIN }), 2).problem).toBeNull();
    expect(stream.push(line({ id: 'z', text: 'Нет воды', at: T0 + 500 * 86_400_000 }), 3).problem).toBeNull();
    expect(stream.push(line({ id: 'old', text: 'Нет воды', at: T0 }), 4).problem).toMatch(/posted_at/);
    expect(stream.push('{"text": 1}', 5).problem).not.toBeNull();
    expect(stream.push('not json', 6).problem).not.toBeNull();
  });

  it("the command writes only incident lines with the contract's fields to stdout", () => {
    const root = fileURLToPath(new URL('../../../..', import.meta.url));
    const input = [...burst().map(line), 'not json', ''].join('\n');
    const run = spawnSync(process.execPath, [...entryArguments('services/apps/incidents/replay.ts')], {
      cwd: root,
      input,
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/line 11: not valid JSON/);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) {
      expect(Object.keys(JSON.parse(l) as object)).toEqual([
        'incident_id',
        'kind',
        'type',
        'at',
        'region',
        'municipality',
        'category',
        'comment_ids',
      ]);
    }
  });
});
