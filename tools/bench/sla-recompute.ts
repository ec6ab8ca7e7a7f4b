/**
 * How long `otklik sla recompute` takes on a keyspace of N open first-reply records (default 20,000 on
 * 16 shards), all moved by the new policy, then the idempotent second run that moves nothing. Writes
 * under its own prefix on REDIS_URL (default redis://127.0.0.1:6379) and deletes it afterwards.
 * `npx tsx tools/bench/sla-recompute.ts [N]`
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { SlaStore } from '../../services/adapters/redis/store/sla-store.js';
import { recomputeSla } from '../../services/apps/cli/sla/recompute.js';
import type { OpenSlaCommand } from '../../services/core/sla/commands.js';
import { computeDeadlines, parsePolicyConfig, resolvePolicy } from '../../services/core/sla/policy.js';
import { shardOf } from '../../services/core/sla/shard.js';
import { deleteKeys } from '../harness/outcome.js';
import { referenceLine, referenceMs } from './machine-reference.js';

const N = Number(process.argv[2] ?? 20_000);
const SHARDS = 16;
const prefix = `bench:recompute-${randomBytes(4).toString('hex')}`;
const a = parsePolicyConfig({ name: 'a', targets: { critical: '1h', high: '2h', normal: '4h', low: '8h' } });
const b = parsePolicyConfig({ name: 'b', targets: { critical: '30m', high: '3h', normal: '4h', low: '8h' } });
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

try {
  const reference = referenceMs();
  const store = new SlaStore(redis, { prefix, shards: SHARDS, retentionMs: 86_400_000, policy: a });
  const now = Date.now();
  // Half critical (earlier under b), half high (later): every record moves.
  const opens: OpenSlaCommand[] = Array.from({ length: N }, (_, i) => {
    const commentKey = `VK:${i}`;
    const priority = i % 2 ? 'critical' : 'high';
    const subject = { region: '54', category: 'roads_transport', type: 'complaint', priority } as const;
    const resolved = resolvePolicy(a, subject)!;
    const d = computeDeadlines(resolved, now);
    return {
      kind: 'open',
      commentKey,
      shard: shardOf(commentKey, SHARDS),
      platform: 'VK',
      commentId: String(i),
      threadId: 't',
      pageId: 'p',
      region: '54',
      municipality: null,
      category: 'roads_transport',
      priority,
      postedAt: now,
      warnAt: d.warnAtMs,
      dueAt: d.dueAtMs,
      policyId: resolved.policyId,
      escalationIntervalMs: resolved.escalationIntervalMs,
      maxEscalationLevel: resolved.maxEscalationLevel,
      excerpt: 'Яма на дороге у остановки',
      url: null,
    };
  });
  for (let i = 0; i < N; i += 200) await store.apply(opens.slice(i, i + 200));
  const options = {
    redis,
    prefix,
    shards: SHARDS,
    retentionMs: 86_400_000,
    current: a,
    next: b,
    examples: 0,
  };
  for (const [label, dryRun] of [
    ['dry run', true],
    ['run', false],
    ['second run', false],
  ] as const) {
    const started = process.hrtime.bigint();
    const r = await recomputeSla({ ...options, dryRun });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(
      `${label}: ${r.open} open, ${r.moved} moved (${r.earlier} earlier, ${r.later} later) in ` +
        `${(ms / 1000).toFixed(2)} s (${Math.round((r.open / ms) * 1000)} appeals/s)`,
    );
  }
  console.log(referenceLine(reference));
} finally {
  await deleteKeys(redis, { OTKLIK_KEY_PREFIX: prefix });
  redis.disconnect();
}
