import { describe, expect, it } from 'vitest';
import {
  ADVERSARIAL_KINDS,
  adversarialText,
  type AdversarialKind,
} from '../../../../tools/bench/adversarial-texts.js';
import { classify, DEFAULT_MAX_TEXT_BYTES } from '../../../../services/core/classifier/index.js';
import { stepsOf } from '../../../../services/core/classifier/work.js';

/**
 * The classifier's cost is linear in the text, for any text: proven by counting its steps of work
 * (services/core/classifier/work.ts), not by timing. Every kind of hostile text is classified once,
 * then twice as long (the same text twice) and four times as long: the work may at most about double
 * each time. Caches are warmed first, so every size is measured the same way.
 */
const UNLIMITED = 1 << 30;
const KINDS = Object.keys(ADVERSARIAL_KINDS) as AdversarialKind[];
// Steps per byte of text; the heaviest kinds take about 12 (phone numbers) and 20 (distinct disguised
// Latin words, each a search of its readings in the de-obfuscation layer).
const MAX_STEPS_PER_BYTE = 24;

function stepsFor(text: string, maxTextBytes = UNLIMITED): number {
  return stepsOf(() => classify({ text, maxTextBytes }));
}

describe('classifier work', () => {
  it.each(KINDS)('at most about doubles when the text doubles: %s', (kind) => {
    const eight = adversarialText(kind, 8 * 1024);
    const sixteen = `${eight}\n${eight}`;
    const thirtyTwo = `${sixteen}\n${sixteen}`;
    stepsFor(thirtyTwo);
    const steps = [eight, sixteen, thirtyTwo].map((t) => stepsFor(t));
    expect(steps[1]).toBeLessThanOrEqual(2.1 * (steps[0] as number));
    expect(steps[2]).toBeLessThanOrEqual(2.1 * (steps[1] as number));
  });

  it.each(KINDS)('is bounded per byte at 8, 16 and 32 KB: %s', (kind) => {
    stepsFor(adversarialText(kind, 32 * 1024));
    for (const kb of [8, 16, 32]) {
      const bytes = kb * 1024;
      expect(stepsFor(adversarialText(kind, bytes))).toBeLessThanOrEqual(MAX_STEPS_PER_BYTE * bytes);
    }
  });

  it.each(KINDS)('stops growing at the default limit: %s', (kind) => {
    const atLimit = stepsFor(adversarialText(kind, DEFAULT_MAX_TEXT_BYTES), DEFAULT_MAX_TEXT_BYTES);
    const huge = adversarialText(kind, 1024 * 1024);
    const hugeSteps = stepsOf(() => expect(classify({ text: huge }).text_truncated).toBe(true));
    // The cut itself reads the kept part once more.
    expect(hugeSteps).toBeLessThanOrEqual(atLimit + 2 * DEFAULT_MAX_TEXT_BYTES);
  });
});
