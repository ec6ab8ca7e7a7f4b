import { describe, expect, it } from 'vitest';
import type { AnalyticsChunk, EventRow } from '../../../../services/core/analytics/rows.js';
import { unseenPart } from '../../../../services/core/analytics/unseen.js';

/** A chunk of partition 0 holding events at offsets [first, next). */
function chunk(first: number, next: number): AnalyticsChunk {
  return {
    events: Array.from({ length: next - first }, (_, i) => ({ offset: String(first + i) }) as EventRow),
    alerts: [],
    decisions: [],
    rejected: [],
    next: { topic: 't', partition: 0, offset: String(next) },
  };
}

const offsets = (c: AnalyticsChunk | undefined) => c?.events.map((e) => Number(e.offset));

describe('unseenPart', () => {
  it('keeps a chunk whole when nothing is stored or it starts at the stored offset', () => {
    expect(offsets(unseenPart(chunk(0, 3), undefined))).toEqual([0, 1, 2]);
    expect(offsets(unseenPart(chunk(5, 8), '5'))).toEqual([5, 6, 7]);
  });

  it('drops a chunk that ends at or before the stored offset', () => {
    expect(unseenPart(chunk(0, 5), '5')).toBeUndefined();
    expect(unseenPart(chunk(0, 3), '5')).toBeUndefined();
  });

  it('keeps the events from the stored offset on when a chunk straddles it', () => {
    expect(offsets(unseenPart(chunk(3, 8), '5'))).toEqual([5, 6, 7]);
    // Offsets past 2^53 compare exactly.
    const big = chunk(0, 0);
    big.events = ['9007199254740993', '9007199254740994'].map((offset) => ({ offset }) as EventRow);
    big.next.offset = '9007199254740995';
    expect(unseenPart(big, '9007199254740994')?.events.map((e) => e.offset)).toEqual(['9007199254740994']);
  });
});
