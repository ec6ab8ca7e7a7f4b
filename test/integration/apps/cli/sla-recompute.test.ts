import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../../services/apps/cli/main.js';
import { SlaStore } from '../../../../services/adapters/redis/store/sla-store.js';
import { planClock } from '../../../../services/core/sla/appeal-clock.js';
import type { AppealSubject } from '../../../../services/core/sla/appeal.js';
import type { OpenSlaCommand } from '../../../../services/core/sla/commands.js';
import type { OperatorAction } from '../../../../services/core/contracts/schema-types.generated.js';
import { computeDeadlines, resolvePolicy, type PolicyConfig } from '../../../../services/core/sla/policy.js';
import { loadConfig } from '../../../../services/runtime/config/load.js';
import { deleteKeys } from '../../../../tools/harness/outcome.js';
import { isolatedStack } from '../../../support/fixture.js';
import { answerOf, openCommand, serverNow } from '../../adapters/redis/helpers.js';

/**
 * `otklik sla recompute --policy FILE` on real Redis: appeals opened under policy A (first-reply records
 * alone, an answered one whose final answer runs, one the new policy leaves as it was) are planned again
 * under policy B. --dry-run reports the moves and writes nothing; the run moves the deadlines to B's (one
 * overdue at once, which the sweeper's claim then breaches), and a second run moves nothing.
 */
const dir = mkdtempSync(join(tmpdir(), 'otklik-recompute-'));
const policyFile = (name: string, targets: string, final: string) => {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    [
      'sla:',
      `  name: ${name}`,
      `  targets: { ${targets} }`,
      '  warnFraction: 0.5',
      '  escalation: { every: 1h, maxLevel: 0 }',
      `  finalAnswer: { targets: { critical: ${final}, high: ${final}, normal: ${final}, low: ${final} } }`,
    ].join('\n'),
  );
  return file;
};
const fileA = policyFile('a', 'critical: 1h, high: 1h, normal: 1h, low: 1h', '2h');
// Critical much shorter (overdue at once), normal longer, high as before; the final answer longer.
const fileB = policyFile('b', 'critical: 2s, high: 1h, normal: 2h, low: 1h', '4h');

const stack = isolatedStack('sla-recompute', { OTKLIK_CONFIG: fileA });
const env = stack.env as Record<string, string>;
const SHARDS = Number(env.OTKLIK_SHARDS);
let redis: Redis;
let policyA: PolicyConfig;
let policyB: PolicyConfig;

beforeAll(() => {
  redis = stack.redis();
  policyA = loadConfig(env).sla;
  policyB = loadConfig({ ...env, OTKLIK_CONFIG: fileB }).sla;
});
afterAll(async () => {
  await deleteKeys(redis, env);
  redis.disconnect();
});

async function otklik(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), env });
  expect(code, [...out, ...err].join('\n')).toBe(0);
  return { json: JSON.parse(out.at(-1)!) as Record<string, unknown>, err: err.join('\n') };
}

/** Every key of the prefix with its DUMP: what "writes nothing" compares. */
async function snapshot(): Promise<Map<string, string>> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, page] = await redis.scan(cursor, 'MATCH', `${env.OTKLIK_KEY_PREFIX}:*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...page);
  } while (cursor !== '0');
  const dumps = await Promise.all(keys.map((k) => redis.dumpBuffer(k)));
  return new Map(keys.map((k, i) => [k, dumps[i]?.toString('hex') ?? '']));
}

/** An open command as the worker plans it under `policy`. */
function openUnder(
  policy: PolicyConfig,
  now: number,
  priority: OpenSlaCommand['priority'],
  postedAt: number,
) {
  const subject = { category: 'housing_utilities', type: 'complaint', priority, region: '54' } as const;
  const resolved = resolvePolicy(policy, subject)!;
  const d = computeDeadlines(resolved, postedAt);
  return openCommand(now, SHARDS, {
    priority,
    postedAt,
    warnAt: d.warnAtMs,
    dueAt: d.dueAtMs,
    policyId: resolved.policyId,
    escalationIntervalMs: resolved.escalationIntervalMs,
    maxEscalationLevel: resolved.maxEscalationLevel,
  });
}
const subjectOf = (c: OpenSlaCommand): AppealSubject => ({
  region: c.region,
  category: c.category as AppealSubject['category'],
  type: 'complaint',
  priority: c.priority as AppealSubject['priority'],
});

async function claimAll(store: SlaStore) {
  const results = await store.claimDueMany(
    Array.from({ length: SHARDS }, (_, s) => s),
    100,
    60_000,
  );
  return results.flatMap((r) => r.alerts);
}

describe('otklik sla recompute', () => {
  it('moves the open deadlines to the new policy once; --dry-run writes nothing', async () => {
    const store = new SlaStore(redis, {
      prefix: env.OTKLIK_KEY_PREFIX as string,
      shards: SHARDS,
      retentionMs: 3_600_000,
      policy: policyA,
    });
    const now = await serverNow(redis);
    const postedAt = now - 10_000;
    const critical = openUnder(policyA, now, 'critical', postedAt); // record alone: 1h -> 2s, overdue
    const normal = openUnder(policyA, now, 'normal', postedAt); // record alone: 1h -> 2h
    const high = openUnder(policyA, now, 'high', postedAt); // 1h in both: the same instant
    const answered = openUnder(policyA, now, 'high', postedAt); // its final answer: 2h -> 4h
    // Paused waiting for the citizen: 1h -> 2s plus its pause, but stopped, so not breached at once.
    const paused = openUnder(policyA, now, 'critical', postedAt);
    const opens = [critical, normal, high, answered, paused];
    expect(await store.apply(opens)).toEqual(Array(5).fill('OPENED'));
    const pause: OperatorAction = {
      action_id: `${paused.commentKey}/pause`,
      comment_key: paused.commentKey,
      kind: 'PAUSED',
      operator_id: 'op',
      acted_at: postedAt + 1_000,
      note: null,
      assignment: null,
      pause_reason: 'WAITING_FOR_CITIZEN',
      correction: null,
    };
    expect(
      await store.act([
        { kind: 'action', commentKey: paused.commentKey, shard: paused.shard, action: pause },
      ]),
    ).toEqual(['APPLIED']);
    const repliedAt = now - 5_000;
    expect(await store.apply([answerOf(answered, repliedAt)])).toEqual(['ANSWERED']);
    expect(await claimAll(store)).toEqual([]);

    const before = await snapshot();
    const dry = await otklik('sla', 'recompute', '--policy', fileB, '--dry-run');
    expect(dry.json).toMatchObject({
      dryRun: true,
      open: 5,
      fromRecords: 3,
      moved: 4,
      earlier: 2,
      later: 2,
      overdueAtOnce: 1,
      // The high one: due at the same instant under B, only its policy id changes.
      replanned: 1,
      closed: 0,
    });
    expect(dry.err).toContain('dry run: nothing written');
    expect(await snapshot()).toEqual(before);

    const run = await otklik('sla', 'recompute', '--policy', fileB);
    expect(run.json).toMatchObject({
      dryRun: false,
      open: 5,
      appealsMoved: 4,
      moved: 4,
      earlier: 2,
      later: 2,
    });
    expect(run.json.overdueAtOnce).toBe(1);
    expect(run.err).toContain(`${critical.commentKey} FIRST_REPLY`);

    const dueOf = async (c: OpenSlaCommand) => (await store.readAppeal(c.shard, c.commentKey)).state;
    const dueB = (c: OpenSlaCommand) => computeDeadlines(resolvePolicy(policyB, subjectOf(c))!, c.postedAt);
    expect((await dueOf(critical))?.reply?.dueAt).toBe(dueB(critical).dueAtMs);
    expect((await dueOf(critical))?.reply?.dueAt).toBe(postedAt + 2_000);
    expect((await dueOf(normal))?.reply).toMatchObject({
      dueAt: postedAt + 7_200_000,
      warnAt: postedAt + 3_600_000,
    });
    expect((await dueOf(high))?.reply).toMatchObject({ dueAt: high.dueAt, policyId: 'b/high' });
    expect((await dueOf(answered))?.final?.dueAt).toBe(
      planClock(policyB, subjectOf(answered), 'FINAL_ANSWER', repliedAt)!.dueAt,
    );
    expect((await dueOf(answered))?.final?.dueAt).toBe(repliedAt + 4 * 3_600_000);
    // Its pause kept: still stopped, planned under B from its posting time.
    expect((await dueOf(paused))?.reply).toMatchObject({
      dueAt: postedAt + 2_000,
      paused: true,
      running: false,
      policyId: 'b/critical',
    });

    // The sweeper's claim follows B: the critical comment is overdue at once, nothing else is due.
    const claimed = await claimAll(store);
    expect(claimed.map((a) => [a.commentKey, a.kind, a.target])).toEqual([
      [critical.commentKey, 'BREACH', 'FIRST_REPLY'],
    ]);
    await store.ackAlerts(claimed);

    const again = await otklik('sla', 'recompute', '--policy', fileB);
    expect(again.json).toMatchObject({ open: 5, fromRecords: 0, moved: 0, replanned: 0, overdueAtOnce: 0 });
  });

  it('refuses an invalid policy file with the problem named', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'sla:\n  targets: { critical: soon }\n');
    const err: string[] = [];
    const code = await runCli(['sla', 'recompute', '--policy', bad], {
      out: () => undefined,
      err: (t) => err.push(t),
      env,
    });
    expect(code).toBe(2);
    expect(err.join('\n')).toContain('sla.targets');
  });
});
