import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OpenSlaCommand } from '../../../../services/core/sla/commands.js';
import { BitReader, BitWriter } from '../../../../services/adapters/redis/record/huffman.js';
import { RUSSIAN_TEXT } from '../../../../services/adapters/redis/record/text-codes.js';
import {
  compactUrl,
  decodeRecordTail,
  encodeRecordBody,
  expandUrl,
} from '../../../../services/adapters/redis/record/record.js';

const open = (overrides: Partial<OpenSlaCommand> = {}): OpenSlaCommand => ({
  kind: 'open',
  commentKey: 'VK:987654321',
  shard: 0,
  platform: 'VK',
  commentId: '987654321',
  threadId: '-481516_4711',
  pageId: 'club481516',
  region: '54',
  municipality: '50701000',
  category: 'housing_utilities',
  priority: 'high',
  postedAt: 1_800_000_000_000,
  warnAt: 1_800_005_400_000,
  dueAt: 1_800_007_200_000,
  policyId: 'default/high',
  escalationIntervalMs: 3_600_000,
  maxEscalationLevel: 3,
  excerpt: 'Третью неделю нет горячей воды в доме 12, управляющая компания не отвечает…',
  url: 'https://vk.com/wall-481516_4711?reply=987654321',
  ...overrides,
});

/** The tail is what follows the seventh separator of the body (the fields Lua reads come first). */
function tailOf(body: Buffer): Buffer {
  let pos = 0;
  for (let i = 0; i < 7; i++) pos = body.indexOf(0x1f, pos) + 1;
  return body.subarray(pos);
}

const encodeExcerpt = (text: string): Buffer => {
  const writer = new BitWriter();
  RUSSIAN_TEXT.write(writer, text);
  return writer.toBuffer();
};
const decodeExcerpt = (bytes: Uint8Array): string => RUSSIAN_TEXT.read(new BitReader(bytes));

describe('excerpt code', () => {
  it('gives back any text, Cyrillic or not', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })), (text) => {
        expect(decodeExcerpt(encodeExcerpt(text))).toBe(text);
      }),
      { numRuns: 500 },
    );
    for (const text of ['', 'Нет воды!', 'Ёлка, «ёж» — № 5…', 'emoji 😡 and 中文', 'x'.repeat(300)]) {
      expect(decodeExcerpt(encodeExcerpt(text))).toBe(text);
    }
  });

  it('takes well under one byte per character of Russian text', () => {
    const text = 'Третью неделю нет горячей воды в доме, управляющая компания не отвечает на звонки';
    const bytes = encodeExcerpt(text).length;
    expect(bytes).toBeLessThan(text.length * 0.65);
    expect(bytes).toBeGreaterThan(text.length * 0.4);
  });
});

describe('open record', () => {
  it('keeps the fields Lua reads in front, in the documented order', () => {
    const body = encodeRecordBody(open());
    const fields = body.toString('latin1').split('\u001f').slice(0, 7);
    expect(fields).toEqual([
      (1_800_000_000_000).toString(36),
      (7_200_000).toString(36),
      (3_600_000).toString(36),
      '3',
      '54',
      'h',
      'h',
    ]);
  });

  it('gives the tail back, url shortened by its https:// prefix, thread id and comment id', () => {
    const command = open();
    const body = encodeRecordBody(command);
    expect(decodeRecordTail(tailOf(body), command.commentId)).toEqual({
      municipality: command.municipality,
      threadId: command.threadId,
      pageId: command.pageId,
      url: command.url,
      excerpt: command.excerpt,
    });
    expect(compactUrl(command.url as string, command.threadId, command.commentId)).toBe(
      '\u001evk.com/wall\u0002?reply=\u0001',
    );
  });

  it('gives back any ids and url (control characters in a url become spaces)', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 40 });
    fc.assert(
      fc.property(
        text,
        text,
        text,
        fc.option(text),
        fc.option(text),
        text,
        (thread, page, id, url, muni, ex) => {
          const command = open({
            threadId: thread,
            pageId: page,
            commentId: id,
            url,
            municipality: muni,
            excerpt: ex,
          });
          const tail = decodeRecordTail(tailOf(encodeRecordBody(command)), id);
          // eslint-disable-next-line no-control-regex
          const cleanUrl = (s: string) => s.replace(/[\u0000-\u001f]/g, ' ');
          expect(tail.threadId).toBe(thread);
          expect(tail.pageId).toBe(page);
          expect(tail.municipality).toBe(muni || null);
          expect(tail.url).toBe(url ? cleanUrl(url) : null);
          expect(tail.excerpt).toBe(ex);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('expands what it compacted even when ids overlap', () => {
    const url = 'https://x.ru/ab/abc?reply=abcd';
    for (const [thread, id] of [
      ['ab', 'abc'],
      ['abc', 'ab'],
      ['abcd', 'bc'],
    ] as const) {
      expect(expandUrl(compactUrl(url, thread, id), thread, id)).toBe(url);
    }
  });
});
