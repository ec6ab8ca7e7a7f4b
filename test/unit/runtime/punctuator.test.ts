import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { PunctuatorLoop, type Punctuator } from '../../../services/runtime/punctuator/punctuator.js';

const logger = pino({ level: 'silent' });
const options = { logger, pass: 'test pass', maxWaitMs: 10_000, failureWaitMs: 5 };

describe('PunctuatorLoop: one pass after another until closed', () => {
  it('runs the next pass straight away when a pass asks for 0 ms, and waits otherwise', async () => {
    const passes: number[] = [];
    const punctuator: Punctuator = {
      punctuate: async () => {
        passes.push(Date.now());
        // Three passes with no wait, then a long wait that only close() cuts short.
        return passes.length < 3 ? 0 : 60_000;
      },
    };
    const loop = new PunctuatorLoop(punctuator, options);
    while (passes.length < 3) await new Promise((resolve) => setTimeout(resolve, 1));
    const closedAt = Date.now();
    await loop.close();
    expect(passes).toHaveLength(3);
    // close() woke the loop from its wait rather than waiting it out (capped at maxWaitMs = 10 s).
    expect(Date.now() - closedAt).toBeLessThan(5_000);
  });

  it('retries after a failed pass, and close waits for the pass in flight to finish', async () => {
    let calls = 0;
    let finishedPasses = 0;
    let release: (() => void) | undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let signalThirdStarted: (() => void) | undefined;
    const thirdStarted = new Promise<void>((resolve) => (signalThirdStarted = resolve));
    const punctuator: Punctuator = {
      punctuate: async () => {
        calls += 1;
        if (calls === 1) throw new Error('redis down');
        if (calls === 3) {
          signalThirdStarted?.();
          await released;
        }
        finishedPasses += 1;
        return 0;
      },
    };
    const loop = new PunctuatorLoop(punctuator, options);
    await thirdStarted;
    let closed = false;
    const closing = loop.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closed).toBe(false);
    release?.();
    await closing;
    // The failed pass was followed by more passes; none started after close().
    expect(finishedPasses).toBe(2);
    expect(calls).toBe(3);
  });
});
