/**
 * `comment_latest`, the newest version of each comment that the sink merges as it writes: the same rows
 * whatever order and grouping the events arrive in (and the same as a rebuild from the events), every
 * event stored once through replays that straddle the stored offset, and a file of the earlier layout
 * (events keyed by event_id, no comment_latest) migrated when opened.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { AnalyticsDb } from '../../../../services/adapters/duckdb/analytics-db.js';
import { rowsOf } from '../../../../services/core/analytics/rows.js';
import {
  encodeClassifiedComment,
  type ClassifiedComment,
} from '../../../../services/core/contracts/index.js';
import { classifiedComment, commentEvent } from '../../core/contracts/fixtures.js';
import { complaint, HOUR, MIN, officialReply, rowsJson } from './analytics-dataset.js';

const T = Date.UTC(2026, 10, 2, 9, 0, 0);
const TOPICS = { classified: 'classified', alerts: 'alerts' };

/** Another version of comment `id`: an edit (re-classified) or its deletion, `later` after T. */
function version(id: string, op: 'EDITED' | 'DELETED', later: number, over = {}): ClassifiedComment {
  const base = complaint({ id, at: T });
  return classifiedComment({
    ...base,
    comment: commentEvent({ ...base.comment, event_id: `${id}-${op}-${later}`, op }),
    classification: { ...base.classification, ...over },
    classified_at: T + later,
  });
}

const EVENTS: ClassifiedComment[] = [
  complaint({ id: '1', at: T }),
  version('1', 'EDITED', 10 * MIN, { category: 'roads_transport' }),
  // An older edit read after a newer one: the newer stays.
  version('1', 'EDITED', 5 * MIN, { category: 'ecology' }),
  complaint({ id: '2', at: T + HOUR }),
  version('2', 'DELETED', 20 * MIN),
  complaint({ id: '3', at: T + 2 * HOUR }),
  officialReply('r3-late', '3', T + 5 * HOUR, 'page-late'),
  officialReply('r3-early', '3', T + 3 * HOUR, 'page-early'),
  // A reply read before its comment.
  officialReply('r4', '4', T + 4 * HOUR),
  complaint({ id: '4', at: T + 3 * HOUR }),
  // An edit whose POSTED event was never read: not a comment of the store.
  version('5', 'EDITED', MIN),
];

function chunkOf(events: readonly ClassifiedComment[], partition: number, firstOffset = 0) {
  return rowsOf(
    events.map((c, i) => ({ value: encodeClassifiedComment(c), offset: String(firstOffset + i) })),
    { topic: 'classified', partition },
    TOPICS,
  );
}

const LATEST = 'SELECT * FROM comment_latest ORDER BY comment_key';
let db: AnalyticsDb | undefined;
let other: AnalyticsDb | undefined;
afterEach(() => {
  db?.close();
  other?.close();
  db = other = undefined;
});

describe('comment_latest', () => {
  it('holds the newest version, first posted time, deletion and first reply, whatever the arrival order', async () => {
    db = await AnalyticsDb.open(':memory:');
    await db.write([chunkOf(EVENTS, 0)]);
    expect(
      await rowsJson(
        db,
        'SELECT comment_key, category, posted_at_ms, deleted, reply_at_ms, reply_page_id FROM comments ORDER BY comment_key',
      ),
    ).toEqual([
      {
        comment_key: 'VK:1',
        category: 'roads_transport',
        posted_at_ms: String(T),
        deleted: false,
        reply_at_ms: null,
        reply_page_id: null,
      },
      {
        comment_key: 'VK:2',
        category: 'housing_utilities',
        posted_at_ms: String(T + HOUR),
        deleted: true,
        reply_at_ms: null,
        reply_page_id: null,
      },
      {
        comment_key: 'VK:3',
        category: 'housing_utilities',
        posted_at_ms: String(T + 2 * HOUR),
        deleted: false,
        reply_at_ms: String(T + 3 * HOUR),
        reply_page_id: 'page-early',
      },
      {
        comment_key: 'VK:4',
        category: 'housing_utilities',
        posted_at_ms: String(T + 3 * HOUR),
        deleted: false,
        reply_at_ms: String(T + 4 * HOUR),
        reply_page_id: 'page-a',
      },
    ]);

    // Every event in a group of its own, newest first, each on its own partition: the same rows.
    other = await AnalyticsDb.open(':memory:');
    for (const [i, event] of [...EVENTS].reverse().entries()) await other.write([chunkOf([event], i)]);
    expect(await rowsJson(other, LATEST)).toEqual(await rowsJson(db, LATEST));

    // Groups of several events, no two merging into one key (a reply counts for the comment it answers):
    // written row by row, without the aggregate; the same rows.
    const keyOf = (e: ClassifiedComment) =>
      e.comment.op === 'POSTED' && e.comment.author.kind === 'OFFICIAL'
        ? `VK:${String(e.comment.parent_comment_id)}`
        : e.key;
    const groups: ClassifiedComment[][] = [];
    for (const event of EVENTS) {
      const open = groups.find((g) => g.every((e) => keyOf(e) !== keyOf(event)));
      if (open) open.push(event);
      else groups.push([event]);
    }
    expect(groups.length).toBeLessThan(EVENTS.length);
    expect(groups.some((g) => g.length > 1)).toBe(true);
    const grouped = await AnalyticsDb.open(':memory:');
    try {
      for (const [i, group] of groups.entries()) await grouped.write([chunkOf(group, i)]);
      expect(await rowsJson(grouped, LATEST)).toEqual(await rowsJson(db, LATEST));
    } finally {
      grouped.close();
    }

    // And the same as a rebuild from the stored events (the migration's way).
    const merged = await rowsJson(db, LATEST);
    await db.rebuildLatest();
    expect(await rowsJson(db, LATEST)).toEqual(merged);
  });

  it('stores each event once through replays, and never moves a stored offset back', async () => {
    db = await AnalyticsDb.open(':memory:');
    await db.write([chunkOf(EVENTS.slice(0, 5), 0, 0)]);
    // A replay straddling the stored offset (5): events 3 and 4 again, then 5 to 7 for the first time.
    await db.write([chunkOf(EVENTS.slice(3, 8), 0, 3)]);
    // A replay wholly behind it, with a group of another partition.
    await db.write([chunkOf(EVENTS.slice(0, 4), 0, 0), chunkOf(EVENTS.slice(8), 1, 0)]);
    expect(await rowsJson(db, 'SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM events')).toEqual([
      { n: String(EVENTS.length), d: String(EVENTS.length) },
    ]);
    expect(await db.storedOffsets([{ topic: 'classified', partitions: [0, 1] }])).toEqual(
      expect.arrayContaining([
        { topic: 'classified', partition: 0, offset: '8' },
        { topic: 'classified', partition: 1, offset: String(EVENTS.length - 8) },
      ]),
    );
    other = await AnalyticsDb.open(':memory:');
    await other.write([chunkOf(EVENTS, 0)]);
    expect(await rowsJson(db, LATEST)).toEqual(await rowsJson(other, LATEST));
  });

  it('migrates a file of the earlier layout when opened: events unkeyed, comment_latest filled', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otklik-latest-'));
    try {
      const file = join(dir, 'old.duckdb');
      other = await AnalyticsDb.open(':memory:');
      await other.write([chunkOf(EVENTS, 0)]);
      const expected = await rowsJson(other, LATEST);
      // The earlier layout: events keyed by event_id, no comment_latest; its rows as that sink wrote them.
      const instance = await DuckDBInstance.create(file);
      const old = await instance.connect();
      await old.run(`CREATE TABLE events (
        event_id VARCHAR PRIMARY KEY, comment_key VARCHAR NOT NULL, op VARCHAR NOT NULL, platform VARCHAR NOT NULL,
        comment_id VARCHAR NOT NULL, thread_id VARCHAR NOT NULL, parent_key VARCHAR, page_id VARCHAR NOT NULL,
        region VARCHAR NOT NULL, municipality VARCHAR, author_kind VARCHAR NOT NULL, posted_at_ms BIGINT NOT NULL,
        category VARCHAR NOT NULL, type VARCHAR NOT NULL, priority VARCHAR NOT NULL, toxic BOOLEAN NOT NULL,
        spam BOOLEAN NOT NULL, actionable BOOLEAN NOT NULL, sla_due_at_ms BIGINT, classified_at_ms BIGINT NOT NULL,
        text_chars INTEGER NOT NULL)`);
      await old.run('ALTER TABLE events ADD COLUMN theme VARCHAR; ALTER TABLE events ADD COLUMN url VARCHAR');
      const rows = await other.connection.runAndReadAll('SELECT * FROM events');
      const appender = await old.createAppender('events');
      for (const row of rows.getRows()) {
        for (const value of row) appender.appendValue(value);
        appender.endRow();
      }
      appender.closeSync();
      old.closeSync();
      instance.closeSync();

      db = await AnalyticsDb.open(file);
      expect(await rowsJson(db, LATEST)).toEqual(expected);
      expect(
        await rowsJson(db, "SELECT count(*) AS n FROM duckdb_constraints() WHERE table_name = 'events'"),
      ).toEqual([{ n: String(await notNullColumns(db)) }]);
      expect(await rowsJson(db, 'SELECT count(*) AS n FROM events')).toEqual([{ n: String(EVENTS.length) }]);
      // Opening it again changes nothing.
      db.close();
      db = await AnalyticsDb.open(file);
      expect(await rowsJson(db, LATEST)).toEqual(expected);
    } finally {
      db?.close();
      db = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The events table's NOT NULL constraints: after the migration, the only constraints it has. */
async function notNullColumns(store: AnalyticsDb): Promise<number> {
  const rows = await rowsJson(
    store,
    "SELECT count(*) AS n FROM duckdb_columns() WHERE table_name = 'events' AND NOT is_nullable",
  );
  return Number(rows[0]?.n);
}
