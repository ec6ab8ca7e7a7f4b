import { describe, expect, it } from 'vitest';
import type { ProducerBatch } from 'kafkajs';
import { splitByBytes } from '../../../../services/adapters/kafka/producer.js';

describe('splitByBytes', () => {
  const value = Buffer.alloc(100);
  const messages = (topic: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({ key: `${topic}-${i}`, value }));

  it('keeps a small batch whole, with its other fields', () => {
    const batch = { acks: -1, topicMessages: [{ topic: 'a', messages: messages('a', 3) }] };
    expect(splitByBytes(batch, 10_000)).toEqual([batch]);
  });

  it('cuts the messages, in order and across topics, into parts under the budget', () => {
    const batch = {
      acks: -1,
      timeout: 5_000,
      topicMessages: [
        { topic: 'a', messages: messages('a', 25) },
        { topic: 'b', messages: messages('b', 10) },
      ],
    };
    const parts = splitByBytes(batch, 1_000);
    expect(parts.length).toBeGreaterThan(3);
    for (const part of parts) {
      expect(part.acks).toBe(-1);
      expect(part.timeout).toBe(5_000);
      const bytes = (part.topicMessages ?? []).flatMap((t) => t.messages).length * (100 + 32 + 4);
      expect(bytes).toBeLessThanOrEqual(1_000);
    }
    const flat = (b: ProducerBatch) =>
      (b.topicMessages ?? []).flatMap((t) => t.messages.map((m) => `${t.topic}:${m.key}`));
    expect(parts.flatMap(flat)).toEqual(flat(batch));
  });

  it('sends a message larger than the budget alone', () => {
    const huge = { key: 'huge', value: Buffer.alloc(5_000) };
    const batch = {
      topicMessages: [{ topic: 'a', messages: [...messages('a', 2), huge, ...messages('a', 1)] }],
    };
    const parts = splitByBytes(batch, 1_000);
    expect(parts.map((p) => p.topicMessages?.[0]?.messages.map((m) => m.key))).toEqual([
      ['a-0', 'a-1'],
      ['huge'],
      ['a-0'],
    ]);
  });

  it('an empty batch is no part at all', () => {
    expect(splitByBytes({ topicMessages: [] }, 1_000)).toEqual([]);
  });
});
