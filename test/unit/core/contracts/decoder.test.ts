import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ContractError,
  createCommentDecoder,
  DEFAULT_CONTRACT_LIMITS,
  encodeCommentEvent,
  encodeSlaAlert,
  frameWire,
  type CommentEvent,
  type DeadLetterCode,
  type IncomingHeaders,
} from '../../../../services/core/contracts/index.js';
import { commentEvent, NOW, slaAlert } from './fixtures.js';

const decode = createCommentDecoder();
const JSON_HEADERS = { 'content-type': 'application/json' };
const DAY = 24 * 60 * 60 * 1000;

function failure(value: Buffer | null, headers: IncomingHeaders = {}, decoder = decode): ContractError {
  try {
    decoder(value, headers, NOW);
  } catch (err) {
    if (err instanceof ContractError) return err;
    throw err;
  }
  throw new Error('the decoder accepted it');
}

function codeOf(value: Buffer | null, headers: IncomingHeaders = {}, decoder = decode): DeadLetterCode {
  return failure(value, headers, decoder).code;
}

function json(value: unknown): Buffer {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
}

function withoutField(name: keyof CommentEvent): Record<string, unknown> {
  const event: Record<string, unknown> = { ...commentEvent() };
  delete event[name];
  return event;
}

describe('the comment decoder accepts', () => {
  it('the wire format and the same event as JSON, giving equal events', () => {
    expect(decode(encodeCommentEvent(commentEvent()), {}, NOW)).toEqual(commentEvent());
    expect(decode(json(commentEvent()), JSON_HEADERS, NOW)).toEqual(commentEvent());
  });

  it('JSON that leaves out the fields with defaults', () => {
    const minimal = withoutField('op');
    for (const f of ['parent_comment_id', 'municipality', 'url']) delete minimal[f];
    expect(decode(json(minimal), JSON_HEADERS, NOW)).toEqual(
      commentEvent({ op: 'POSTED', parent_comment_id: null, municipality: null, url: null }),
    );
  });

  it('an unknown symbol of an enum with a default, as Avro resolution would: it becomes the default', () => {
    const event = { ...commentEvent(), platform: 'DZEN', author: { id: 'x', kind: 'ROBOT' } };
    expect(decode(json(event), JSON_HEADERS, NOW)).toMatchObject({
      platform: 'OTHER',
      author: { id: 'x', kind: 'UNKNOWN' },
    });
  });

  it('content-type spelt in the usual ways, as string, Buffer or repeated header (the last wins)', () => {
    const body = json(commentEvent());
    for (const headers of [
      { 'content-type': 'application/json; charset=utf-8' },
      { 'Content-Type': 'Application/JSON' },
      { 'content-type': Buffer.from('application/json') },
      { 'content-type': ['application/vnd.apache.avro+binary', 'application/json'] },
    ]) {
      expect(decode(body, headers, NOW)).toEqual(commentEvent());
    }
    const avro = encodeCommentEvent(commentEvent());
    for (const headers of [
      undefined,
      {},
      { 'content-type': 'application/vnd.apache.avro+binary' },
      { other: 'x' },
    ]) {
      expect(decode(avro, headers, NOW)).toEqual(commentEvent());
    }
  });

  it('text of exactly the limit, and posted_at at the edges of the window', () => {
    const atLimit = 'a'.repeat(DEFAULT_CONTRACT_LIMITS.maxTextBytes);
    expect(decode(encodeCommentEvent(commentEvent({ text: atLimit })), {}, NOW).text).toBe(atLimit);
    for (const posted_at of [
      NOW - DEFAULT_CONTRACT_LIMITS.postedAtPastMs,
      NOW + DEFAULT_CONTRACT_LIMITS.postedAtFutureMs,
    ]) {
      expect(decode(encodeCommentEvent(commentEvent({ posted_at })), {}, NOW).posted_at).toBe(posted_at);
    }
  });
});

describe('the comment decoder refuses, with a stable code', () => {
  it('EMPTY_VALUE: a tombstone or zero bytes, whatever the content-type', () => {
    expect(codeOf(null)).toBe('EMPTY_VALUE');
    expect(codeOf(Buffer.alloc(0))).toBe('EMPTY_VALUE');
    expect(codeOf(Buffer.alloc(0), JSON_HEADERS)).toBe('EMPTY_VALUE');
  });

  it('UNSUPPORTED_CONTENT_TYPE: neither JSON nor Avro, or JSON in another charset', () => {
    expect(codeOf(json(commentEvent()), { 'content-type': 'text/plain' })).toBe('UNSUPPORTED_CONTENT_TYPE');
    expect(codeOf(json(commentEvent()), { 'content-type': 'application/json; charset=latin1' })).toBe(
      'UNSUPPORTED_CONTENT_TYPE',
    );
  });

  it('BAD_MAGIC_BYTE: random bytes, JSON without its content-type, a wrong magic byte', () => {
    expect(codeOf(Buffer.from('9f3ac1077e52d0b4e1aa', 'hex'))).toBe('BAD_MAGIC_BYTE');
    expect(codeOf(json(commentEvent()))).toBe('BAD_MAGIC_BYTE');
    const wrongMagic = encodeCommentEvent(commentEvent());
    wrongMagic[0] = 1;
    expect(failure(wrongMagic).message).toMatch(/first byte is 0x01/);
  });

  it('TRUNCATED_AVRO: a cut wire header, a cut body', () => {
    expect(codeOf(Buffer.from([0, 0, 0]))).toBe('TRUNCATED_AVRO');
    const message = encodeCommentEvent(commentEvent());
    expect(codeOf(message.subarray(0, 5))).toBe('TRUNCATED_AVRO');
    expect(codeOf(message.subarray(0, message.length - 3))).toBe('TRUNCATED_AVRO');
  });

  it('UNKNOWN_SCHEMA_ID: an id the catalogue never released', () => {
    const body = encodeCommentEvent(commentEvent()).subarray(5);
    const error = failure(frameWire(999, body));
    expect(error.code).toBe('UNKNOWN_SCHEMA_ID');
    expect(error.message).toMatch(/schema id 999/);
  });

  it('INCOMPATIBLE_SCHEMA: a known id of another subject', () => {
    const error = failure(encodeSlaAlert(slaAlert()));
    expect(error.code).toBe('INCOMPATIBLE_SCHEMA');
    expect(error.message).toMatch(/otklik\.SlaAlert v2, not otklik\.CommentEvent/);
  });

  it('MALFORMED_AVRO: trailing bytes, an enum index out of range', () => {
    const message = encodeCommentEvent(commentEvent());
    expect(codeOf(Buffer.concat([message, Buffer.from([0])]))).toBe('MALFORMED_AVRO');
    // Body: event_id (length 8 as zigzag 0x10, then 8 bytes), then op's index: set it to 7.
    const badEnum = Buffer.from(message);
    expect(badEnum[5]).toBe(0x10);
    badEnum[5 + 1 + 8] = 7 * 2;
    expect(codeOf(badEnum)).toBe('MALFORMED_AVRO');
  });

  it('INVALID_JSON: a syntax error, bytes that are not UTF-8, bare NaN', () => {
    expect(codeOf(json('{"event_id": '), JSON_HEADERS)).toBe('INVALID_JSON');
    expect(codeOf(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), JSON_HEADERS)).toBe('INVALID_JSON');
    expect(codeOf(json('NaN'), JSON_HEADERS)).toBe('INVALID_JSON');
  });

  it('SCHEMA_VIOLATION: wrong types, fractions and unsafe integers for longs, unknown fields, tagged unions', () => {
    const cases: [unknown, string][] = [
      [{ ...commentEvent(), posted_at: String(NOW) }, 'posted_at'],
      [{ ...commentEvent(), posted_at: NOW + 0.5 }, 'posted_at'],
      [{ ...commentEvent(), posted_at: 2 ** 60 }, 'posted_at'],
      [{ ...commentEvent(), parent_coment_id: '1' }, 'parent_coment_id'],
      [{ ...commentEvent(), author: 'id-42' }, 'author'],
      [{ ...commentEvent(), op: 1 }, 'op'],
      [{ ...commentEvent(), url: { string: 'https://x' } }, 'url'],
      [[commentEvent()], ''],
      ['"just a string"', ''],
    ];
    for (const [value, field] of cases) {
      const error = failure(json(value), JSON_HEADERS);
      expect(error.code, JSON.stringify(value).slice(0, 60)).toBe('SCHEMA_VIOLATION');
      expect(error.field ?? '').toBe(field);
    }
    const loneSurrogate = json(`{"text": "\\ud800", ${JSON.stringify(withoutField('text')).slice(1)}`);
    expect(failure(loneSurrogate, JSON_HEADERS)).toMatchObject({ code: 'SCHEMA_VIOLATION', field: 'text' });
  });

  it('MISSING_FIELD: a required field left out or null, at any depth', () => {
    expect(failure(json(withoutField('text')), JSON_HEADERS)).toMatchObject({
      code: 'MISSING_FIELD',
      field: 'text',
    });
    expect(failure(json({ ...commentEvent(), comment_id: null }), JSON_HEADERS)).toMatchObject({
      code: 'MISSING_FIELD',
      field: 'comment_id',
    });
    expect(failure(json({ ...commentEvent(), author: { id: 'x' } }), JSON_HEADERS)).toMatchObject({
      code: 'MISSING_FIELD',
      field: 'author.kind',
    });
    expect(codeOf(json(withoutField('posted_at')), JSON_HEADERS)).toBe('MISSING_FIELD');
  });

  it('UNKNOWN_ENUM: a symbol of an enum without default (op)', () => {
    const error = failure(json({ ...commentEvent(), op: 'MOVED' }), JSON_HEADERS);
    expect(error).toMatchObject({ code: 'UNKNOWN_ENUM', field: 'op' });
    expect(error.message).toMatch(/"MOVED" is not one of POSTED, EDITED, DELETED/);
  });

  it('TEXT_TOO_LONG: over 64 KiB of UTF-8 by default, or the configured limit, from Avro or JSON', () => {
    const over = commentEvent({ text: 'ж'.repeat(DEFAULT_CONTRACT_LIMITS.maxTextBytes / 2 + 1) });
    expect(codeOf(encodeCommentEvent(over))).toBe('TEXT_TOO_LONG');
    expect(codeOf(json(over), JSON_HEADERS)).toBe('TEXT_TOO_LONG');
    const small = createCommentDecoder({ maxTextBytes: 10 });
    expect(codeOf(encodeCommentEvent(commentEvent({ text: 'ж'.repeat(6) })), {}, small)).toBe(
      'TEXT_TOO_LONG',
    );
    expect(small(encodeCommentEvent(commentEvent({ text: 'ж'.repeat(5) })), {}, NOW).text).toBe(
      'ж'.repeat(5),
    );
  });

  it('IMPLAUSIBLE_TIME: seconds or microseconds for milliseconds, too far ahead or back, a custom window', () => {
    const at = (posted_at: number) => encodeCommentEvent(commentEvent({ posted_at }));
    expect(codeOf(at(Math.floor(NOW / 1000)))).toBe('IMPLAUSIBLE_TIME');
    expect(codeOf(at(NOW * 1000))).toBe('IMPLAUSIBLE_TIME');
    expect(codeOf(at(NOW + 16 * 60 * 1000))).toBe('IMPLAUSIBLE_TIME');
    expect(codeOf(at(NOW - 401 * DAY))).toBe('IMPLAUSIBLE_TIME');
    expect(codeOf(json(commentEvent({ posted_at: 0 })), JSON_HEADERS)).toBe('IMPLAUSIBLE_TIME');
    const strict = createCommentDecoder({ postedAtPastMs: DAY, postedAtFutureMs: 0 });
    expect(codeOf(at(NOW - 2 * DAY), {}, strict)).toBe('IMPLAUSIBLE_TIME');
    expect(codeOf(at(NOW + 1), {}, strict)).toBe('IMPLAUSIBLE_TIME');
    expect(strict(at(NOW), {}, NOW).posted_at).toBe(NOW);
  });

  it('INVALID_FIELD: an empty or blank event_id or comment_id', () => {
    expect(failure(encodeCommentEvent(commentEvent({ comment_id: '' })))).toMatchObject({
      code: 'INVALID_FIELD',
      field: 'comment_id',
    });
    expect(codeOf(json(commentEvent({ event_id: '  ' })), JSON_HEADERS)).toBe('INVALID_FIELD');
  });

  it('never echoes the comment text in a reason', () => {
    const secret = 'Секретный текст жалобы';
    const reasons = [
      failure(json(`{"text": "${secret}", "event_id": `), JSON_HEADERS),
      failure(json(`"${secret}"`), JSON_HEADERS),
      failure(json({ ...commentEvent({ text: secret.repeat(4000) }) }), JSON_HEADERS),
      failure(json({ ...commentEvent(), text: [secret] }), JSON_HEADERS),
    ].map((e) => e.message);
    for (const reason of reasons) expect(reason).not.toContain('Секрет');
  });

  it('refuses bad limits when the decoder is built', () => {
    expect(() => createCommentDecoder({ maxTextBytes: -1 })).toThrow(/maxTextBytes/);
    expect(() => createCommentDecoder({ postedAtPastMs: Number.NaN })).toThrow(/postedAtPastMs/);
  });
});

describe('whatever the bytes, the decoder returns an event or throws a ContractError', () => {
  const onlyContractErrors = (value: Buffer, headers: IncomingHeaders) => {
    try {
      decode(value, headers, NOW);
    } catch (err) {
      expect(err).toBeInstanceOf(ContractError);
    }
  };

  it('for random bytes, random wire bodies and random JSON', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => onlyContractErrors(Buffer.from(bytes), {})),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) =>
        onlyContractErrors(Buffer.concat([Buffer.from([0, 0, 0, 0, 1]), bytes]), {}),
      ),
      { numRuns: 600 },
    );
    fc.assert(
      fc.property(fc.json(), (text) => onlyContractErrors(Buffer.from(text), JSON_HEADERS)),
      { numRuns: 300 },
    );
  });

  it('for every truncation and every single-byte corruption of a valid message', () => {
    const message = encodeCommentEvent(commentEvent());
    for (let end = 0; end < message.length; end++) onlyContractErrors(message.subarray(0, end), {});
    for (let i = 0; i < message.length; i++) {
      for (const byte of [0x00, 0x7f, 0x80, 0xff]) {
        const corrupted = Buffer.from(message);
        corrupted[i] = byte;
        onlyContractErrors(corrupted, {});
      }
    }
  });
});
