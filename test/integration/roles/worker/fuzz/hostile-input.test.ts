import { describe, expect, it } from 'vitest';
import { runFuzz, type FuzzReport } from '../../../../../tools/fuzz/harness.js';
import { isolatedStack } from '../../../../support/fixture.js';

/**
 * The short form of `npm run fuzz` (issue #13, item 4): hostile CommentEvents (huge and odd fields,
 * control and separator characters, unicode oddities, repeated words, every enum, edge times, damaged
 * Avro and JSON, tombstones) mixed with ordinary traffic, sent to a real worker process on the real
 * broker and Redis. FUZZ_SEED and FUZZ_MESSAGES change the draw; the seed is in every failure message.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 13);
const MESSAGES = Number(process.env.FUZZ_MESSAGES ?? 600);

describe('hostile input', () => {
  it(
    `never stops the worker, and every message ends classified or dead-lettered once (seed ${SEED})`,
    { timeout: 150_000 },
    async () => {
      const stack = isolatedStack('fuzz', { OTKLIK_SHARDS: '8', LOG_LEVEL: 'warn' });
      const report: FuzzReport = await runFuzz({
        messages: MESSAGES,
        seed: SEED,
        token: stack.id,
        env: stack.env,
        stallMs: 20_000,
        drainTimeoutMs: 60_000,
        // More of the big fields than the long run has: a short run must meet each limit a few times.
        normalShare: 0.4,
        bigShare: 0.25,
        log: () => undefined,
      });
      const { cases: _cases, ...summary } = report;
      const explain = `seed ${SEED}: ${JSON.stringify(summary, null, 1)}`;
      expect(report.messages).toBe(MESSAGES);
      // Every kind of case was drawn: the generator does what it says.
      expect(Object.keys(report.cases).length, explain).toBeGreaterThanOrEqual(15);
      expect(report.dead_lettered, explain).toBeGreaterThan(MESSAGES / 10);
      expect(report.classified, explain).toBeGreaterThan(MESSAGES / 3);
      expect(report.counters.expected.opened, explain).toBeGreaterThan(10);
      expect({ stalls: report.stalls, crashes: report.crashes }, explain).toEqual({ stalls: 0, crashes: 0 });
      expect(report.checks, explain).toEqual({
        noStall: true,
        noCrash: true,
        alive: true,
        healthz: true,
        readyz: true,
        lagZero: true,
        everyInputAccounted: true,
        deadLetteredOnce: true,
        classifiedOnce: true,
        garbageDeadLettered: true,
        ordinaryNotDeadLettered: true,
        counters: true,
        counterRows: true,
        redisKeys: true,
      });
      expect(report.failures, explain).toEqual([]);
    },
  );
});
