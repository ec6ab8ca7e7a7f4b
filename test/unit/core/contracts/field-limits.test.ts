import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkEvent,
  ContractError,
  createCommentDecoder,
  DEFAULT_FIELD_BYTES,
  encodeCommentEvent,
  LIMITED_FIELDS,
  type CommentEvent,
  type IncomingHeaders,
  type LimitedField,
  resolveLimits,
} from '../../../../services/core/contracts/index.js';
import { commentEvent, NOW } from './fixtures.js';

const decode = createCommentDecoder();
const JSON_HEADERS = { 'content-type': 'application/json' };

function failure(value: Buffer, headers: IncomingHeaders = {}, decoder = decode): ContractError {
  try {
    decoder(value, headers, NOW);
  } catch (err) {
    if (err instanceof ContractError) return err;
    throw err;
  }
  throw new Error('the decoder accepted it');
}

/** The event with one field set, `author.id` included. */
function withField(field: LimitedField, value: string): CommentEvent {
  const event = commentEvent();
  return field === 'author.id'
    ? { ...event, author: { ...event.author, id: value } }
    : { ...event, [field]: value };
}

/** The same event as Avro and as JSON: every rule must give the same answer for both. */
function bothFormats(event: CommentEvent): [string, Buffer, IncomingHeaders][] {
  return [
    ['avro', encodeCommentEvent(event), {}],
    ['json', Buffer.from(JSON.stringify(event)), JSON_HEADERS],
  ];
}

function expectRefused(event: CommentEvent, code: string, field: string, decoder = decode): ContractError[] {
  return bothFormats(event).map(([format, value, headers]) => {
    const error = failure(value, headers, decoder);
    expect({ format, code: error.code, field: error.field }).toEqual({ format, code, field });
    return error;
  });
}

function expectAccepted(event: CommentEvent, decoder = decode): void {
  for (const [, value, headers] of bothFormats(event)) expect(decoder(value, headers, NOW)).toEqual(event);
}

/** A value of exactly `bytes` UTF-8 bytes, of `unit` as far as it goes. */
function valueOf(bytes: number, unit = 'a'): string {
  return (
    unit.repeat(Math.floor(bytes / Buffer.byteLength(unit))) + 'a'.repeat(bytes % Buffer.byteLength(unit))
  );
}

describe('FIELD_TOO_LONG: every string field but text has a byte limit', () => {
  it('covers every string field of the schema but text', () => {
    const strings = (fields: { name: string; type: unknown }[], prefix = ''): string[] =>
      fields.flatMap((f) => {
        const types = Array.isArray(f.type) ? f.type : [f.type];
        return types.flatMap((t) =>
          t === 'string'
            ? [prefix + f.name]
            : typeof t === 'object' && t !== null && (t as { type: string }).type === 'record'
              ? strings((t as { fields: { name: string; type: unknown }[] }).fields, `${prefix}${f.name}.`)
              : [],
        );
      });
    const schema = JSON.parse(
      readFileSync(new URL('../../../../schemas/comment-event.v1.avsc', import.meta.url), 'utf8'),
    ) as { fields: { name: string; type: unknown }[] };
    expect(
      strings(schema.fields)
        .filter((f) => f !== 'text')
        .sort(),
    ).toEqual([...LIMITED_FIELDS].sort());
  });

  it('each field one byte over its default limit, from Avro and JSON, naming the field and its size', () => {
    const regions = createCommentDecoder({ extraRegions: [] });
    for (const field of LIMITED_FIELDS) {
      const limit = DEFAULT_FIELD_BYTES[field];
      // Multi-byte characters: the limit counts UTF-8 bytes, not characters.
      const over = valueOf(limit + 1, 'ж');
      expect(over.length).toBeLessThan(limit);
      const [error] = expectRefused(withField(field, over), 'FIELD_TOO_LONG', field, regions);
      expect(error!.message).toBe(`${field} is ${limit + 1} bytes of UTF-8, over the limit of ${limit}`);
    }
  });

  it('each field at exactly its limit passes (a configured region of 64 bytes for region)', () => {
    const atLimitRegion = 'r'.repeat(DEFAULT_FIELD_BYTES.region);
    const decoder = createCommentDecoder({ extraRegions: [atLimitRegion] });
    for (const field of LIMITED_FIELDS) {
      const value = field === 'region' ? atLimitRegion : valueOf(DEFAULT_FIELD_BYTES[field], 'ж');
      expectAccepted(withField(field, value), decoder);
    }
  });

  it('the issue #13 sizes: a 60 KB region, a 70 KB url, and huge ids, before any other rule', () => {
    expectRefused(withField('region', '7'.repeat(60_000)), 'FIELD_TOO_LONG', 'region');
    expectRefused(withField('url', `https://x/${'u'.repeat(70_000)}`), 'FIELD_TOO_LONG', 'url');
    expectRefused(withField('author.id', 'a'.repeat(1_000_000)), 'FIELD_TOO_LONG', 'author.id');
    // Too long and full of separators: the size is what it is refused for.
    expectRefused(withField('region', '77|x|'.repeat(1000)), 'FIELD_TOO_LONG', 'region');
  });

  it('configured limits, per field; the others keep their defaults', () => {
    const small = createCommentDecoder({ maxFieldBytes: { thread_id: 8 } });
    expectRefused(withField('thread_id', 'wall-54_77'), 'FIELD_TOO_LONG', 'thread_id', small);
    expectAccepted(withField('thread_id', 'wall-54'), small);
    expectAccepted({ ...withField('page_id', 'p'.repeat(256)), thread_id: 'w' }, small);
  });

  it('refuses limits out of range when the decoder is built', () => {
    expect(() => createCommentDecoder({ maxFieldBytes: { url: 0 } })).toThrow(/maxFieldBytes\.url/);
    expect(() => createCommentDecoder({ maxFieldBytes: { comment_id: 70_000 } })).toThrow(/8192/);
    expect(() => createCommentDecoder({ extraRegions: ['77|x'] })).toThrow(/extra region/);
  });
});

describe('INVALID_FIELD: no separator of the Redis layout or control character in an identifier', () => {
  it('the forged counter region "77|safety_emergency|critical|" and any other | in region', () => {
    for (const region of ['77|safety_emergency|critical|', '54|', '|']) {
      const [error] = expectRefused(withField('region', region), 'INVALID_FIELD', 'region');
      expect(error!.message).toMatch(/'\|'/);
    }
  });

  it('a control character (C0, DEL, C1) in any field but text, including the record marks', () => {
    for (const field of LIMITED_FIELDS) {
      for (const char of ['\u0000', '\u0001', '\u0002', '\u001e', '\u001f', '\n', '\u007f', '\u009b']) {
        const base = field === 'region' ? '54' : 'id-1';
        const [error] = expectRefused(withField(field, `${base}${char}`), 'INVALID_FIELD', field);
        expect(error!.message).toContain(
          `U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`,
        );
      }
    }
  });

  it('a lone surrogate in an identifier (neither Avro nor JSON input can carry one; checked anyway)', () => {
    const event = withField('page_id', 'page-\ud800');
    expect(() => checkEvent(event, resolveLimits(), NOW)).toThrow(
      expect.objectContaining({ code: 'INVALID_FIELD', field: 'page_id' }),
    );
  });

  it('accepts what identifiers legitimately hold: ":" "{" "}" "|" outside region, Cyrillic, emoji', () => {
    for (const comment_id of ['a:b:c', '{1}', 'x|y', 'отзыв-1', '👍-7']) {
      expectAccepted(commentEvent({ comment_id, thread_id: comment_id, page_id: comment_id }));
    }
    expectAccepted(commentEvent({ url: 'https://vk.com/wall-1_2?reply=3&thread=4#x|{y}' }));
  });
});

describe('UNKNOWN_REGION: region is a federal subject code or a configured one', () => {
  it('refuses made-up codes, quoting them for the operator', () => {
    for (const region of ['00', '88', '0', '', 'Moscow', '054x']) {
      const [error] = expectRefused(withField('region', region), 'UNKNOWN_REGION', 'region');
      expect(error!.message).toContain(JSON.stringify(region));
    }
  });

  it('accepts the codes producers send today, in their spellings', () => {
    for (const region of ['54', '77', '02', '2', '1', '92', '154', '102', '89']) {
      expectAccepted(withField('region', region));
    }
  });

  it('accepts regions listed in extraRegions, exactly', () => {
    const decoder = createCommentDecoder({ extraRegions: ['KZ-ALA', 'test_region'] });
    expectAccepted(withField('region', 'KZ-ALA'), decoder);
    expectAccepted(withField('region', 'test_region'), decoder);
    expectRefused(withField('region', 'kz-ala'), 'UNKNOWN_REGION', 'region', decoder);
    expectRefused(withField('region', 'KZ-ALA'), 'UNKNOWN_REGION', 'region');
  });
});
