import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from 'ioredis';
import { SlaStore } from '../../../../services/adapters/redis/store/sla-store.js';
import { SlaReader } from '../../../../services/adapters/redis/reader/sla-reader.js';
import {
  assertNoEviction,
  readEvictionPolicies,
} from '../../../../services/adapters/redis/eviction-policy.js';
import type { SlaCommand } from '../../../../services/core/sla/commands.js';
import { shardOf } from '../../../../services/core/sla/shard.js';
import { answerOf, cancelOf, openCommand, serverNow } from './helpers.js';

/**
 * Every SLA script, unchanged, on a real 3-master Redis Cluster (scripts/redis-cluster.sh), with the 16
 * shards spread over all masters. The test starts the cluster and stops it after, unless it found one.
 */
const SCRIPT = join(import.meta.dirname, '..', '..', '..', '..', 'scripts', 'redis-cluster.sh');
const SHARDS = 16;
const ALL_SHARDS = Array.from({ length: SHARDS }, (_, s) => s);
let started = false;
let cluster: Cluster;
let store: SlaStore;
let reader: SlaReader;

beforeAll(() => {
  const out = execFileSync('bash', [SCRIPT, 'up'], { encoding: 'utf8' });
  started = /^STARTED=1$/m.test(out);
  const nodes = (/^REDIS_CLUSTER_NODES=(.+)$/m.exec(out)?.[1] ?? '').split(',').map((hp) => {
    const [host, port] = hp.split(':');
    return { host: host as string, port: Number(port) };
  });
  cluster = new Cluster(nodes, { redisOptions: { maxRetriesPerRequest: 2 } });
  const prefix = `test:cluster-${randomBytes(4).toString('hex')}`;
  store = new SlaStore(cluster, { prefix, shards: SHARDS, retentionMs: 60_000 });
  reader = new SlaReader(cluster, { prefix, shards: SHARDS });
});

afterAll(async () => {
  await cluster?.quit().catch(() => undefined);
  if (started) execFileSync('bash', [SCRIPT, 'down'], { encoding: 'utf8' });
});

describe('SLA scripts on a real Redis Cluster', () => {
  it('spreads the shards over all three masters', async () => {
    const ranges = (await cluster.cluster('SLOTS')) as unknown as [number, number, [string, number]][];
    const portOfSlot = (slot: number) => ranges.find(([from, to]) => slot >= from && slot <= to)?.[2][1];
    const ports = new Set<number | undefined>();
    for (const shard of ALL_SHARDS) {
      const slot = Number(await cluster.cluster('KEYSLOT', store.keys.counters(shard)));
      expect(Number(await cluster.cluster('KEYSLOT', store.keys.record(shard, 'VK:x')))).toBe(slot);
      ports.add(portOfSlot(slot));
    }
    expect(ports.size).toBe(3);
  });

  it('the noeviction check at start reads the policy of every master', async () => {
    const nodes = await readEvictionPolicies(cluster);
    expect(nodes.map((n) => ('policy' in n ? n.policy : n.unreadable))).toEqual([
      'noeviction',
      'noeviction',
      'noeviction',
    ]);
    expect(new Set(nodes.map((n) => n.node)).size).toBe(3);
    await expect(assertNoEviction(cluster)).resolves.toBeUndefined();
  });

  it('opens, answers, cancels, records, claims, acks and reads across every shard', async () => {
    const now = await serverNow(cluster);
    // Ten comments per shard, not left to chance: 160 random keys miss one of 16 shards about once in 2,000 runs.
    const run = randomBytes(4).toString('hex');
    const idOnShard = (i: number) => {
      for (let k = 0; ; k++) {
        const id = `${run}-${i}-${k}`;
        if (shardOf(`VK:${id}`, SHARDS) === i % SHARDS) return id;
      }
    };
    const open = Array.from({ length: 160 }, (_, i) =>
      openCommand(now, SHARDS, {
        commentId: idOnShard(i),
        region: String(10 + (i % 5)),
        postedAt: now - 3_600_000,
        // Half already overdue (BREACH at once), half due in ten minutes (WARNING in five).
        warnAt: i % 2 ? now - 1_800_000 : now + 300_000,
        dueAt: i % 2 ? now - 60_000 - i : now + 600_000,
        escalationIntervalMs: 60_000,
        maxEscalationLevel: 1,
        url: `https://vk.com/wall-1_${i}`,
      }),
    );
    expect(new Set(open.map((c) => c.shard)).size).toBe(SHARDS);
    expect(new Set(await store.apply(open))).toEqual(new Set(['OPENED']));
    expect(new Set(await store.apply(open))).toEqual(new Set(['DUPLICATE']));

    const answered = open.filter((_, i) => i % 8 === 0);
    const cancelled = open.filter((_, i) => i % 8 === 4);
    const replyFirst = openCommand(now, SHARDS);
    const notActionable: SlaCommand = {
      kind: 'notActionable',
      commentKey: 'OK:thanks',
      shard: 5,
      region: '10',
      category: 'other',
      priority: 'low',
    };
    expect(
      await store.apply([
        ...answered.map((c) => answerOf(c, now)),
        ...cancelled.map(cancelOf),
        answerOf(replyFirst, now),
        notActionable,
      ]),
    ).toEqual([
      ...answered.map(() => 'ANSWERED'),
      ...cancelled.map(() => 'CANCELLED'),
      'ANSWERED_EARLY',
      'RECORDED',
    ]);
    expect(await store.apply([replyFirst, notActionable])).toEqual(['ANSWERED_BEFORE', 'DUPLICATE']);

    // The overdue half (odd indexes) is due; answered/cancelled ones were all even indexes.
    const due = open.filter((_, i) => i % 2 === 1);
    const claims = await store.claimDueMany(ALL_SHARDS, 1000, 30_000);
    const alerts = claims.flatMap((r) => r.alerts);
    expect(alerts.map((a) => a.commentKey).sort()).toEqual(due.map((c) => c.commentKey).sort());
    expect(alerts.every((a) => a.kind === 'BREACH' && a.url?.startsWith('https://vk.com/wall-1_'))).toBe(
      true,
    );
    expect((await store.claimDueMany(ALL_SHARDS, 1000, 30_000)).flatMap((r) => r.alerts)).toEqual([]);
    expect(await store.ackAlerts(alerts)).toEqual(alerts.map(() => true));
    expect(await store.ackAlerts(alerts)).toEqual(alerts.map(() => false));

    const board = await reader.board({ limit: 5 });
    expect(board.counters.totals).toMatchObject({
      opened: 161,
      open: 120,
      answered_in_time: 21,
      cancelled: 20,
      breached: 80,
      not_actionable: 1,
    });
    expect(board.counters.byRegion['10']).toMatchObject({ opened: 32, not_actionable: 1 });
    expect(board.today.totals.breached).toBe(80);
    expect(board.compliance.overall).toEqual({ answeredInTime: 21, answeredLate: 0, ratio: 1 });
    expect(board.deadlines.overdue).toHaveLength(5);
    const oldest = [...due].sort((a, b) => a.dueAt - b.dueAt).slice(0, 5);
    expect(board.deadlines.overdue.map((o) => o.commentKey)).toEqual(oldest.map((c) => c.commentKey));
    expect(board.deadlines.overdue[0]?.nextAlert).toEqual({ kind: 'ESCALATION', level: 1 });
    // The even half less the 40 answered and cancelled falls due in ten minutes.
    expect(board.deadlines.dueWithin).toBe(40);
    expect((await reader.deadlines({ horizonMs: 300_000 })).dueWithin).toBe(0);
  });
});
