import { describe, expect, it } from 'vitest';
import { backoffDelay, retry } from '../../../../services/core/retry/backoff.js';

const transient = Object.assign(new Error('not now'), { retriable: true });
const isRetriable = (e: unknown) => (e as { retriable?: boolean }).retriable === true;

/** A fake clock: sleeping advances it, and the delays slept are recorded. */
function clock() {
  let t = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => t,
    sleep: (ms: number) => {
      slept.push(ms);
      t += ms;
      return Promise.resolve();
    },
  };
}

describe('the one retry policy', () => {
  it('doubles the delay from the initial one and caps it', () => {
    const policy = { initialDelayMs: 100, maxDelayMs: 1_000 };
    expect([1, 2, 3, 4, 5, 50].map((a) => backoffDelay(policy, a))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('retries a retriable failure until the operation succeeds', async () => {
    const c = clock();
    let calls = 0;
    const result = await retry(() => (++calls < 4 ? Promise.reject(transient) : Promise.resolve('done')), {
      isRetriable,
      initialDelayMs: 10,
      maxDelayMs: 25,
      now: c.now,
      sleep: c.sleep,
    });
    expect(result).toBe('done');
    expect(c.slept).toEqual([10, 20, 25]);
  });

  it('throws at once what is not retriable, and when the caller says stop', async () => {
    const c = clock();
    const bad = new Error('for good');
    await expect(retry(() => Promise.reject(bad), { isRetriable, sleep: c.sleep })).rejects.toBe(bad);
    await expect(
      retry(() => Promise.reject(transient), { isRetriable, shouldStop: () => true, sleep: c.sleep }),
    ).rejects.toBe(transient);
    expect(c.slept).toEqual([]);
  });

  it('gives up with the last error once the next attempt would start after giveUpAfterMs', async () => {
    const c = clock();
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(transient);
    };
    await expect(
      retry(failing, {
        isRetriable,
        initialDelayMs: 100,
        maxDelayMs: 1_000,
        giveUpAfterMs: 1_000,
        now: c.now,
        sleep: c.sleep,
      }),
    ).rejects.toBe(transient);
    expect(c.slept).toEqual([100, 200, 400]);
    expect(calls).toBe(4);
  });
});
