import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CsvError, parseCsv } from '../../../../services/apps/cli/input/csv.js';
import {
  InputError,
  parsePostedAt,
  rebaseTimes,
  toCommentEvent,
  toCommentTemplate,
} from '../../../../services/apps/cli/input/comment-input.js';
import { formatOf, idPrefixOf, parseComments } from '../../../../services/apps/cli/input/read-comments.js';
import { dueBy, tickMs } from '../../../../services/apps/cli/pacer.js';

describe('parseCsv', () => {
  it('reads quoted cells with commas, doubled quotes, newlines, CRLF and a BOM', () => {
    const text = '\ufefftext,region\r\n"a, ""b""\nc",54\r\nplain,77\r\n';
    expect(parseCsv(text)).toEqual([
      { line: 2, cells: { text: 'a, "b"\nc', region: '54' } },
      { line: 4, cells: { text: 'plain', region: '77' } },
    ]);
  });
  it('rejects rows of the wrong width, unclosed quotes and duplicate columns, naming the line', () => {
    expect(() => parseCsv('a,b\n1,2,3\n')).toThrow(/line 2: 3 cells/);
    expect(() => parseCsv('a\n"open\n')).toThrow(CsvError);
    expect(() => parseCsv('a,a\n1,2\n')).toThrow(/appears twice/);
  });
});

describe('comment rows', () => {
  it('fills missing fields by the documented rules', () => {
    const t = toCommentTemplate({ text: 'Нет воды', region: 54 }, 7, 'batch');
    expect(t.event).toEqual({
      event_id: 'batch-7-posted-7',
      op: 'POSTED',
      platform: 'OTHER',
      comment_id: 'batch-7',
      thread_id: 'unknown-page',
      parent_comment_id: null,
      page_id: 'unknown-page',
      region: '54',
      municipality: null,
      author: { id: 'anonymous', kind: 'CITIZEN' },
      text: 'Нет воды',
      url: null,
    });
    expect(t.postedAt).toEqual({ kind: 'send' });
    expect(toCommentEvent(t, 1_000).posted_at).toBe(1_000);
  });
  it('takes flat CSV author columns, case-insensitive enums and empty cells as null', () => {
    const t = toCommentTemplate(
      {
        text: 'Ответ',
        region: '77',
        platform: 'vk',
        op: 'posted',
        author_kind: 'official',
        parent_comment_id: '',
        page_id: 'p',
      },
      2,
      'x',
    );
    expect(t.event.platform).toBe('VK');
    expect(t.event.author).toEqual({ id: 'anonymous', kind: 'OFFICIAL' });
    expect(t.event.parent_comment_id).toBeNull();
    expect(t.event.thread_id).toBe('p');
  });
  it('reads posted_at as epoch ms, ISO 8601 or an age before the send time', () => {
    expect(parsePostedAt(1_700_000_000_000, 1)).toEqual({ kind: 'at', ms: 1_700_000_000_000 });
    expect(parsePostedAt('1700000000000', 1)).toEqual({ kind: 'at', ms: 1_700_000_000_000 });
    expect(parsePostedAt('2026-03-01T10:00:00+07:00', 1)).toEqual({
      kind: 'at',
      ms: Date.parse('2026-03-01T03:00:00Z'),
    });
    expect(parsePostedAt('-90m', 1)).toEqual({ kind: 'ago', ms: 5_400_000 });
    expect(parsePostedAt('-1.5h', 1)).toEqual({ kind: 'ago', ms: 5_400_000 });
    expect(() => parsePostedAt('yesterday', 3)).toThrow(/line 3: posted_at "yesterday"/);
  });
  it('rejects unknown fields, missing text or region, and bad enum values', () => {
    expect(() => toCommentTemplate({ text: 'x', regoin: '54' }, 1, 'p')).toThrow(
      /unknown field\(s\): regoin/,
    );
    expect(() => toCommentTemplate({ region: '54' }, 1, 'p')).toThrow(/text is required/);
    expect(() => toCommentTemplate({ text: 'x' }, 1, 'p')).toThrow(/region is required/);
    expect(() => toCommentTemplate({ text: 'x', region: '1', platform: 'ICQ' }, 1, 'p')).toThrow(InputError);
  });
  it('rebases fixed times so the newest is now and leaves relative ones alone', () => {
    const ts = [
      toCommentTemplate({ text: 'a', region: '1', posted_at: 1_000 }, 1, 'p'),
      toCommentTemplate({ text: 'b', region: '1', posted_at: 4_000 }, 2, 'p'),
      toCommentTemplate({ text: 'c', region: '1', posted_at: '-1m' }, 3, 'p'),
    ];
    expect(rebaseTimes(ts, 10_000).map((t) => t.postedAt)).toEqual([
      { kind: 'at', ms: 7_000 },
      { kind: 'at', ms: 10_000 },
      { kind: 'ago', ms: 60_000 },
    ]);
  });
  it('parses whole files, collecting problems with line numbers, skipping blanks and comments', () => {
    const text = '# sample\n{"text":"a","region":"54"}\n\nnot json\n{"text":"b"}\n';
    const parsed = parseComments(text, 'jsonl', 'f');
    expect(parsed.templates.map((t) => t.event.comment_id)).toEqual(['f-2']);
    expect(parsed.problems.map((p) => p.line)).toEqual([4, 5]);
    expect(formatOf('x.CSV')).toBe('csv');
    expect(formatOf('x.txt', 'csv')).toBe('csv');
    expect(idPrefixOf('/tmp/my.comments.jsonl')).toBe('my.comments');
  });
  it('the shipped samples are valid and varied', () => {
    const jsonl = parseComments(readFileSync('samples/comments.jsonl', 'utf8'), 'jsonl', 'comments');
    expect(jsonl.problems).toEqual([]);
    expect(jsonl.templates.length).toBeGreaterThanOrEqual(45);
    expect(new Set(jsonl.templates.map((t) => t.event.region)).size).toBeGreaterThan(20);
    expect(new Set(jsonl.templates.map((t) => t.event.event_id)).size).toBe(jsonl.templates.length);
    const csv = parseComments(readFileSync('samples/comments.csv', 'utf8'), 'csv', 'comments');
    expect(csv.problems).toEqual([]);
    expect(csv.templates).toHaveLength(5);
  });
});

describe('pacer', () => {
  it('tops up to rate x elapsed, capped at the total; rate 0 sends everything at once', () => {
    expect(dueBy(0, 100, 1000)).toBe(1);
    expect(dueBy(1_000, 100, 1000)).toBe(101);
    expect(dueBy(60_000, 100, 1000)).toBe(1000);
    expect(dueBy(0, 0, 1000)).toBe(1000);
    expect(tickMs(100)).toBe(200);
    expect(tickMs(10_000)).toBe(10);
    expect(tickMs(0)).toBe(0);
  });
});
