import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import {
  ContractError,
  deadLetterHeaders,
  withDeadLetterHeaders,
} from '../../../../services/core/contracts/index.js';
import {
  formatTable,
  latestPerSource,
  matchesSelection,
  newestFirst,
  parseOffsetRef,
  printableKey,
  toDeadLetterView,
  type DeadLetterView,
} from '../../../../services/apps/cli/dlq/dead-letters.js';
import { NOW } from '../../core/contracts/fixtures.js';

function deadLetter(
  code: 'TEXT_TOO_LONG' | 'INVALID_JSON',
  sourceOffset: string,
  dlqOffset: string,
  atMs = NOW,
) {
  const headers = withDeadLetterHeaders(
    { 'content-type': Buffer.from('application/json') },
    deadLetterHeaders(
      new ContractError(code, `reason for ${sourceOffset}`, code === 'TEXT_TOO_LONG' ? 'text' : undefined),
      { topic: 'otklik.comments.v1', partition: 1, offset: sourceOffset },
      atMs,
    ),
  );
  const message = {
    key: Buffer.from(`VK:${sourceOffset}`),
    value: Buffer.from('{"secret": "text"}'),
    headers,
    offset: dlqOffset,
    timestamp: String(atMs),
    attributes: 0,
    size: 0,
  } as unknown as KafkaMessage;
  return { message, view: toDeadLetterView(0, message)! };
}

const none = { codes: [], dlqOffsets: [], sourceOffsets: [] };

describe('the dlq tool, without Kafka', () => {
  it('shows a dead letter by its headers, never its value', () => {
    const { view } = deadLetter('TEXT_TOO_LONG', '10', '3');
    expect(view).toEqual({
      dlqPartition: 0,
      dlqOffset: '3',
      at: new Date(NOW).toISOString(),
      code: 'TEXT_TOO_LONG',
      message: 'reason for 10',
      field: 'text',
      sourceTopic: 'otklik.comments.v1',
      sourcePartition: 1,
      sourceOffset: '10',
      key: 'VK:10',
      valueBytes: 18,
    });
    const table = formatTable([view]);
    expect(table).toMatch(/^AT +CODE +SOURCE +KEY +DLQ +REASON\n/);
    expect(table).toContain('otklik.comments.v1/1@10');
    expect(table).toContain('text: reason for 10');
    expect(table).not.toContain('secret');
  });

  it('skips records that are not dead letters, and prints odd keys safely', () => {
    expect(toDeadLetterView(0, { headers: {}, offset: '0' } as unknown as KafkaMessage)).toBeUndefined();
    expect(printableKey(null)).toBeNull();
    expect(printableKey(Buffer.from([0xff, 0x00]))).toBe('base64:/wA=');
    expect(printableKey(Buffer.from('a\nb'))).toBe('base64:YQpi');
  });

  it('parses positions as PARTITION:OFFSET, and TOPIC:PARTITION:OFFSET for sources', () => {
    expect(parseOffsetRef('2:17', false)).toEqual({ partition: 2, offset: '17' });
    expect(parseOffsetRef('otklik.comments.v1:0:0042', true)).toEqual({
      topic: 'otklik.comments.v1',
      partition: 0,
      offset: '42',
    });
    for (const bad of ['17', '2:', 'a:1', '1:-1', 't:1:2'])
      expect(() => parseOffsetRef(bad, false), bad).toThrow();
  });

  it('selects with AND across kinds and OR within one', () => {
    const { view } = deadLetter('TEXT_TOO_LONG', '10', '3');
    expect(matchesSelection(view, { ...none, codes: ['INVALID_JSON', 'TEXT_TOO_LONG'] })).toBe(true);
    expect(matchesSelection(view, { ...none, codes: ['INVALID_JSON'] })).toBe(false);
    expect(matchesSelection(view, { ...none, dlqOffsets: [{ partition: 0, offset: '3' }] })).toBe(true);
    expect(matchesSelection(view, { ...none, dlqOffsets: [{ partition: 1, offset: '3' }] })).toBe(false);
    expect(matchesSelection(view, { ...none, sourceOffsets: [{ partition: 1, offset: '10' }] })).toBe(true);
    expect(
      matchesSelection(view, { ...none, sourceOffsets: [{ topic: 'other', partition: 1, offset: '10' }] }),
    ).toBe(false);
    expect(
      matchesSelection(view, {
        codes: ['TEXT_TOO_LONG'],
        dlqOffsets: [],
        sourceOffsets: [{ partition: 1, offset: '11' }],
      }),
    ).toBe(false);
  });

  it('replays a source message dead-lettered twice once, from its latest dead letter, oldest source first', () => {
    const items = [
      deadLetter('INVALID_JSON', '10', '3', NOW),
      deadLetter('TEXT_TOO_LONG', '12', '4', NOW + 1),
      deadLetter('INVALID_JSON', '10', '7', NOW + 5),
    ];
    const kept = latestPerSource(items).map((i) => i.view.dlqOffset);
    expect(kept).toEqual(['4', '7']);
    const views: DeadLetterView[] = items.map((i) => i.view);
    expect([...views].sort(newestFirst).map((v) => v.dlqOffset)).toEqual(['7', '4', '3']);
  });
});
