/**
 * The analytics store and its measures on a small dataset computed by hand, through the same decoding
 * the sink uses (rowsOf over encoded messages): a replayed chunk changes nothing, an unreadable record
 * is kept in `rejected`, offsets are stored with the rows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AnalyticsDb } from '../../../../services/adapters/duckdb/analytics-db.js';
import { rowsOf } from '../../../../services/core/analytics/rows.js';
import {
  encodeClassifiedComment,
  encodeSlaAlert,
  type ClassifiedComment,
} from '../../../../services/core/contracts/index.js';
import { classifiedComment, commentEvent, slaAlert } from '../../core/contracts/fixtures.js';

const T = Date.UTC(2026, 10, 2, 9, 0, 0);
const MIN = 60_000;
const TOPICS = { classified: 'classified', alerts: 'alerts' };

function citizen(
  id: string,
  over: Partial<ClassifiedComment['classification']> = {},
  op: 'POSTED' | 'EDITED' | 'DELETED' = 'POSTED',
  at = T,
): ClassifiedComment {
  const base = classifiedComment();
  return classifiedComment({
    key: `VK:${id}`,
    comment: commentEvent({ event_id: `${id}-${op}`, comment_id: id, op, posted_at: at, page_id: 'page-a' }),
    classification: { ...base.classification, category: 'housing_utilities', type: 'complaint', ...over },
    sla: { policy_id: 'p', warn_at: at + 90 * MIN, due_at: at + 120 * MIN },
    classified_at: at + (op === 'EDITED' ? 10 * MIN : 0),
  });
}

function officialReply(id: string, parent: string, at: number): ClassifiedComment {
  return classifiedComment({
    key: `VK:${id}`,
    comment: commentEvent({
      event_id: `${id}-POSTED`,
      comment_id: id,
      parent_comment_id: parent,
      author: { id: 'page-a', kind: 'OFFICIAL' },
      posted_at: at,
      page_id: 'page-a',
    }),
    classification: { ...classifiedComment().classification, type: 'other', actionable: false },
    sla: null,
    classified_at: at,
  });
}

const DATASET: ClassifiedComment[] = [
  citizen('1'),
  citizen('1', { category: 'roads_transport' }, 'EDITED'),
  citizen('2'),
  citizen('3'),
  citizen('4'),
  citizen('4', {}, 'DELETED'),
  citizen('5', { type: 'question', toxic: true }),
  officialReply('r1', '1', T + 60 * MIN),
  officialReply('r2', '2', T + 300 * MIN),
  // A second, later reply to 1 does not move its first reply.
  officialReply('r3', '1', T + 400 * MIN),
];

let db: AnalyticsDb | undefined;
afterEach(() => db?.close());

async function load(): Promise<AnalyticsDb> {
  const store = (db = await AnalyticsDb.open(':memory:'));
  const classified = rowsOf(
    DATASET.map((c, i) => ({ value: encodeClassifiedComment(c), offset: String(i) })),
    { topic: 'classified', partition: 0 },
    TOPICS,
  );
  const alerts = rowsOf(
    [
      {
        value: encodeSlaAlert(slaAlert({ alert_id: 'VK:3:BREACH:0', kind: 'BREACH', comment_key: 'VK:3' })),
        offset: '0',
      },
      { value: Buffer.from('not avro'), offset: '1' },
    ],
    { topic: 'alerts', partition: 2 },
    TOPICS,
  );
  await store.write([classified, alerts]);
  // The same chunks again (a replay after a lost commit): nothing may change.
  await store.write([classified, alerts]);
  return store;
}

async function rows(store: AnalyticsDb, sql: string) {
  return (await store.connection.runAndReadAll(sql)).getRowObjectsJson();
}

describe('analytics store: measures on a hand-computed dataset', () => {
  it('keeps one row per event and alert through a replay, the unreadable record, and the offsets', async () => {
    const store = await load();
    expect(await rows(store, 'SELECT count(*) AS n FROM events')).toEqual([{ n: String(DATASET.length) }]);
    expect(await rows(store, 'SELECT count(*) AS n FROM alerts')).toEqual([{ n: '1' }]);
    expect(await rows(store, 'SELECT topic, "partition", "offset" FROM rejected')).toEqual([
      { topic: 'alerts', partition: 2, offset: '1' },
    ]);
    expect(
      await store.storedOffsets([
        { topic: 'classified', partitions: [0] },
        { topic: 'alerts', partitions: [2] },
      ]),
    ).toEqual(
      expect.arrayContaining([
        { topic: 'classified', partition: 0, offset: String(DATASET.length) },
        { topic: 'alerts', partition: 2, offset: '2' },
      ]),
    );
  });

  it('volume: comments by category and type, the latest version counting, deleted ones not', async () => {
    const store = await load();
    expect(
      await rows(
        store,
        'SELECT category, type, comments, toxic_share FROM measure_volume ORDER BY category, type',
      ),
    ).toEqual([
      { category: 'housing_utilities', type: 'complaint', comments: '2', toxic_share: 0 },
      { category: 'housing_utilities', type: 'question', comments: '1', toxic_share: 1 },
      // Comment 1 was edited into roads_transport.
      { category: 'roads_transport', type: 'complaint', comments: '1', toxic_share: 0 },
    ]);
  });

  it('reply time: median and p90 of the first replies, shares within the target and within 4 hours', async () => {
    const store = await load();
    // Needing a reply: 1, 2, 3, 5 (4 was deleted). First replies: 1 after 60 min, 2 after 300 min.
    expect(await rows(store, 'SELECT * FROM measure_reply_time')).toEqual([
      {
        region: '54',
        page_id: 'page-a',
        needing_reply: '4',
        answered: '2',
        median_minutes: 180,
        p90_minutes: 276,
        // Due 120 min after posting: only comment 1 (60 min) was answered in time.
        within_target_share: 0.25,
        within_4h_share: 0.25,
      },
    ]);
  });

  it('backlog: the unanswered by age, with the breached among them', async () => {
    const store = await load();
    expect(
      await rows(
        store,
        'SELECT age, sum(unanswered) AS unanswered, sum(breached) AS breached FROM measure_backlog GROUP BY age',
      ),
    ).toEqual([
      // 3 and 5 have no reply; 3 had a BREACH. Posted on 2 Nov 2026: more than 7 days before any run.
      { age: '>7d', unanswered: '2', breached: '1' },
    ]);
  });
});
