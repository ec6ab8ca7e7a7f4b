import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createMessageSource,
  MAX_MESSAGE_BYTES,
  type FuzzMessage,
} from '../../../../tools/fuzz/generator.js';

const draw = (seed: number, total: number, options: { bigShare?: number } = {}): FuzzMessage[] => {
  const source = createMessageSource(total, { seed, token: 'tok', ...options });
  const out: FuzzMessage[] = [];
  for (let batch = source.next(250); batch.length > 0; batch = source.next(250)) out.push(...batch);
  return out;
};
const wire = (m: FuzzMessage) => JSON.stringify([m.key, m.value?.toString('base64') ?? null, m.headers]);

describe('fuzz generator', () => {
  afterEach(() => vi.useRealTimers());

  it('gives the same messages for the same seed and clock, others for another seed', () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 11, 1, 12), toFake: ['Date'] });
    const a = draw(7, 300).map(wire);
    const b = draw(7, 300).map(wire);
    const c = draw(8, 300).map(wire);
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it('draws every kind of case, each message under what the producer sends', () => {
    const messages = draw(13, 1_500, { bigShare: 0.25 });
    const kinds = new Set(messages.map((m) => m.meta.kind));
    for (const kind of [
      'normal-comment',
      'normal-reply',
      'normal-edit',
      'normal-delete',
      'avro',
      'avro-truncated',
      'avro-padded',
      'avro-bad-magic',
      'avro-schema-id',
      'json',
      'json-invalid',
      'json-missing-field',
      'json-null',
      'json-odd-time',
      'garbage-tombstone',
      'garbage-empty',
    ]) {
      expect(kinds).toContain(kind);
    }
    expect(new Set(messages.map((m) => m.meta.op))).toEqual(
      new Set(['POSTED', 'EDITED', 'DELETED', undefined]),
    );
    expect(new Set(messages.map((m) => m.meta.authorKind))).toEqual(
      new Set(['CITIZEN', 'OFFICIAL', 'MEDIA', 'BOT', 'UNKNOWN', undefined]),
    );
    const big = messages.filter((m) => (m.meta.largestField?.bytes ?? 0) > 65_536);
    expect(big.length).toBeGreaterThan(5);
    for (const m of messages) {
      const bytes = (m.value?.length ?? 0) + (m.key === null ? 0 : Buffer.byteLength(m.key));
      expect(bytes).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    }
    // Ordinary traffic decodes; garbage does not.
    expect(messages.filter((m) => m.meta.kind.startsWith('normal-')).every((m) => m.meta.eventId)).toBe(true);
    expect(
      messages.filter((m) => m.meta.kind.startsWith('garbage-')).every((m) => m.meta.expect === 'dlq'),
    ).toBe(true);
  });
});
