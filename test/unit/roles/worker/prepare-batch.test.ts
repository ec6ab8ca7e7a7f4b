import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  classify,
  DEFAULT_TAXONOMY_ROUTING,
  TaxonomyRouter,
} from '../../../../services/core/classifier/index.js';
import {
  createCommentDecoder,
  DLQ_CODE_HEADER,
  DLQ_MESSAGE_HEADER,
  DLQ_ORIGINAL_SHA256_HEADER,
  DLQ_ORIGINAL_SIZE_HEADER,
  DLQ_SOURCE_OFFSET_HEADER,
  DLQ_TRUNCATED_HEADER,
  encodeCommentEvent,
  recordBytes,
  type OutgoingHeaders,
} from '../../../../services/core/contracts/index.js';
import { parsePolicyConfig } from '../../../../services/core/sla/policy.js';
import {
  prepareBatch,
  type InputMessage,
  type PrepareContext,
} from '../../../../services/roles/worker/prepare-batch.js';
import { commentEvent } from '../../../support/comments.js';

const NOW = Date.now();
const context = (overrides: Partial<PrepareContext> = {}): PrepareContext => ({
  topic: 'otklik.comments.v1',
  partition: 2,
  decode: createCommentDecoder(),
  policies: parsePolicyConfig({}),
  plan: { shards: 4, excerptChars: 60 },
  nowMs: NOW,
  ...overrides,
});

const input = (offset: number, value: Buffer | null, headers?: InputMessage['headers']): InputMessage => ({
  key: Buffer.from(`VK:${offset}`),
  value,
  offset: String(offset),
  ...(headers ? { headers } : {}),
});

const comment = (offset: number, text?: string) =>
  input(offset, encodeCommentEvent(commentEvent({ comment_id: `c${offset}`, ...(text ? { text } : {}) })));

const header = (headers: unknown, name: string) => String((headers as OutgoingHeaders)[name]);

describe('prepareBatch: errors classified per message', () => {
  it('an unexpected error while classifying one message dead-letters it as PROCESSING_FAILED, with the error and without the text; the rest are processed', () => {
    const POISON = 'ядовитый комментарий, который ломает классификатор';
    const messages = [comment(10), comment(11, POISON), comment(12)];
    const prepared = prepareBatch(
      messages,
      context({
        classify: (input) => {
          if (input.text === POISON) throw new RangeError(`cannot classify "${POISON}"`);
          return classify(input);
        },
      }),
    );
    expect(prepared.classified).toHaveLength(2);
    expect(prepared.classifiedSources.map((m) => m.offset)).toEqual(['10', '12']);
    expect(prepared.commandSources.map((m) => m.offset)).toEqual(['10', '12']);
    expect(prepared.slaCommands).toHaveLength(2);
    expect(prepared.deadLetterCodes).toEqual([{ offset: '11', code: 'PROCESSING_FAILED' }]);
    const [dead] = prepared.deadLetters;
    expect(dead?.value).toEqual(messages[1]?.value);
    expect(header(dead?.headers, DLQ_CODE_HEADER)).toBe('PROCESSING_FAILED');
    expect(header(dead?.headers, DLQ_SOURCE_OFFSET_HEADER)).toBe('11');
    expect(header(dead?.headers, DLQ_MESSAGE_HEADER)).toBe('RangeError: cannot classify "<redacted>"');
    expect(prepared.stats).toMatchObject({ decoded: 2, deadLettered: 1 });
  });

  it('an error thrown as a non-Error value is dead-lettered too', () => {
    const prepared = prepareBatch(
      [comment(1)],
      context({
        classify: () => {
          throw 'boom';
        },
      }),
    );
    expect(prepared.deadLetterCodes).toEqual([{ offset: '1', code: 'PROCESSING_FAILED' }]);
    expect(header(prepared.deadLetters[0]?.headers, DLQ_MESSAGE_HEADER)).toBe('thrown: boom');
  });

  it('bad input keeps its own code', () => {
    const prepared = prepareBatch([input(5, Buffer.from([9, 9, 9, 9, 9, 9])), comment(6)], context());
    expect(prepared.deadLetterCodes).toEqual([{ offset: '5', code: 'BAD_MAGIC_BYTE' }]);
    expect(prepared.classified).toHaveLength(1);
  });

  it('a classified output larger than the record limit is dead-lettered, its SLA transition not applied', () => {
    const long = 'Третий день нет горячей воды. '.repeat(1_000);
    const prepared = prepareBatch([comment(1, long), comment(2)], context({ maxMessageBytes: 20_000 }));
    expect(prepared.deadLetterCodes).toEqual([{ offset: '1', code: 'PROCESSING_FAILED' }]);
    expect(header(prepared.deadLetters[0]?.headers, DLQ_MESSAGE_HEADER)).toMatch(
      /^OutputTooLarge: classified output of \d+ bytes is over the limit of 20000$/,
    );
    expect(prepared.commandSources.map((m) => m.offset)).toEqual(['2']);
    expect(prepared.classifiedSources.map((m) => m.offset)).toEqual(['2']);
  });
});

describe('prepareBatch: a dead letter too large for one record', () => {
  it('an undecodable value near the limit is written truncated, with its original size and SHA-256', () => {
    const value = Buffer.alloc(1_000_000, 0x7b);
    const prepared = prepareBatch(
      [input(7, value, { 'x-producer': 'collector-7' })],
      context({ maxMessageBytes: 1_000_000 }),
    );
    const [dead] = prepared.deadLetters;
    expect(prepared.deadLetterCodes).toEqual([{ offset: '7', code: 'BAD_MAGIC_BYTE' }]);
    expect(recordBytes(dead as never)).toBeLessThanOrEqual(1_000_000);
    expect(dead?.value?.length).toBeGreaterThan(990_000);
    // (Buffer.equals: toEqual compares a megabyte element by element, for seconds.)
    expect(dead?.value?.equals(value.subarray(0, dead.value.length))).toBe(true);
    expect(header(dead?.headers, DLQ_TRUNCATED_HEADER)).toBe('value');
    expect(header(dead?.headers, DLQ_ORIGINAL_SIZE_HEADER)).toBe('1000000');
    expect(header(dead?.headers, DLQ_ORIGINAL_SHA256_HEADER)).toBe(
      createHash('sha256').update(value).digest('hex'),
    );
    expect(header(dead?.headers, 'x-producer')).toBe('collector-7');
  });

  it('a small dead letter is written whole, without truncation headers', () => {
    const prepared = prepareBatch([input(8, Buffer.from([1, 2, 3, 4, 5, 6]))], context());
    expect(prepared.deadLetters[0]?.headers?.[DLQ_TRUNCATED_HEADER]).toBeUndefined();
    expect(prepared.deadLetters[0]?.value).toEqual(Buffer.from([1, 2, 3, 4, 5, 6]));
  });
});

describe('prepareBatch: the source’s routing taxonomy', () => {
  const DUMP = 'Стихийная свалка за гаражами, жгут мусор, дышать нечем';
  const at = (offset: number, region: string, page_id = 'page-1') =>
    input(
      offset,
      encodeCommentEvent(commentEvent({ comment_id: `c${offset}`, text: DUMP, region, page_id })),
    );

  // The outputs are encoded records: the categories are read as the classifier gives them.
  const recording = (seen: string[]) => ({
    classify: (i: Parameters<typeof classify>[0]) => {
      const c = classify(i);
      seen.push(c.category);
      return c;
    },
  });

  it('classifies a comment among the categories its region routes to, by default and by config', () => {
    const seen: string[] = [];
    prepareBatch([at(1, '78'), at(2, '46'), at(3, '54')], context(recording(seen)));
    expect(seen).toEqual(['urban_improvement', 'ecology', 'ecology']);
    const routed: string[] = [];
    prepareBatch(
      [at(4, '78'), at(5, '54', 'eco-page')],
      context({
        ...recording(routed),
        taxonomies: new TaxonomyRouter({
          ...DEFAULT_TAXONOMY_ROUTING,
          regions: { '54': 'spb-gorod' },
          pages: { 'eco-page': 'full' },
        }),
      }),
    );
    expect(routed).toEqual(['ecology', 'ecology']);
  });
});
