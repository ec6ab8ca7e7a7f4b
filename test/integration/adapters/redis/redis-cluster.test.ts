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
import { computeDeadlines, parsePolicyConfig, resolvePolicy } from '../../../../services/core/sla/policy.js';
import { recomputeSla } from '../../../../services/apps/cli/sla/recompute.js';
import {
  deleteMatching,
  slaKeyPattern,
  switchPrefix,
} from '../../../../services/adapters/redis/prefix-switch.js';
import { scanKeys } from '../../../../services/adapters/redis/scan.js';
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

/** A comment id of this run whose key falls on shard `i % SHARDS`. */
function idOnShard(run: string, i: number): string {
  for (let k = 0; ; k++) {
    const id = `${run}-${i}-${k}`;
    if (shardOf(`VK:${id}`, SHARDS) === i % SHARDS) return id;
  }
}

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
    const open = Array.from({ length: 160 }, (_, i) =>
      openCommand(now, SHARDS, {
        commentId: idOnShard(run, i),
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

  it("otklik sla recompute finds the open appeals on every master; a rebuild's prefix switch and cleanup reach every master", async () => {
    const prefix = `test:cluster-re-${randomBytes(4).toString('hex')}`;
    const policyA = parsePolicyConfig({
      name: 'a',
      targets: { critical: '1h', high: '1h', normal: '1h', low: '1h' },
    });
    const policyB = parsePolicyConfig({
      name: 'b',
      targets: { critical: '1h', high: '1h', normal: '2h', low: '1h' },
    });
    const planned = new SlaStore(cluster, { prefix, shards: SHARDS, retentionMs: 60_000, policy: policyA });
    const now = await serverNow(cluster);
    const postedAt = now - 10_000;
    const subject = {
      category: 'housing_utilities',
      type: 'complaint',
      priority: 'normal',
      region: '54',
    } as const;
    const resolved = resolvePolicy(policyA, subject)!;
    const due = computeDeadlines(resolved, postedAt);
    const run = randomBytes(4).toString('hex');
    const opens = ALL_SHARDS.map((i) =>
      openCommand(now, SHARDS, {
        commentId: idOnShard(run, i),
        priority: 'normal',
        postedAt,
        warnAt: due.warnAtMs,
        dueAt: due.dueAtMs,
        policyId: resolved.policyId,
        escalationIntervalMs: resolved.escalationIntervalMs,
        maxEscalationLevel: resolved.maxEscalationLevel,
      }),
    );
    expect(await planned.apply(opens)).toEqual(opens.map(() => 'OPENED'));
    const recompute = (dryRun: boolean) =>
      recomputeSla({
        redis: cluster,
        prefix,
        shards: SHARDS,
        retentionMs: 60_000,
        current: policyA,
        next: policyB,
        dryRun,
        examples: 0,
      });
    // One appeal per shard, so one on every master: a SCAN through the cluster client alone saw a third.
    expect(await recompute(false)).toMatchObject({ open: 16, fromRecords: 16, moved: 16, later: 16 });
    expect(await recompute(false)).toMatchObject({ open: 16, moved: 0 });
    for (const c of opens) {
      expect((await planned.readAppeal(c.shard, c.commentKey)).state?.reply?.dueAt).toBe(
        postedAt + 7_200_000,
      );
    }

    const keysOf = async (pattern: string) => {
      let n = 0;
      for await (const page of scanKeys(cluster, pattern)) n += page.keys.length;
      return n;
    };
    const written = await keysOf(slaKeyPattern(prefix));
    expect(written).toBeGreaterThan(16);
    const target = `${prefix}-switched`;
    expect(await switchPrefix(cluster, prefix, target)).toEqual({ deleted: 0, moved: written });
    expect(await keysOf(slaKeyPattern(prefix))).toBe(0);
    expect(await deleteMatching(cluster, slaKeyPattern(target))).toBe(written);
    expect(await keysOf(slaKeyPattern(target))).toBe(0);
  });
});
