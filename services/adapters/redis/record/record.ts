import type { OpenSlaCommand } from '../../../core/sla/commands.js';
import { BitReader, BitWriter } from './huffman.js';
import { IDENTIFIERS, RUSSIAN_TEXT } from './text-codes.js';

/**
 * The open SLA record as stored in Redis (services/adapters/redis/lua/_README.md, "Open record"),
 * packed here rather than in Lua: Lua only prepends the alert state and reads the scheduling and
 * counter fields; the tail (municipality, thread, page, url, excerpt) is opaque to it.
 *
 * Body (what `encodeRecordBody` returns), fields separated by U+001F:
 * `posted_at` `due_at-posted_at` `escalation interval` `max level` `region` `category code`
 * `priority code` `tail`; numbers in base 36.
 * Tail (bytes to the end of the record): one bit stream of `municipality` `thread_id` `page_id` `url`
 * in the IDENTIFIERS code and then `excerpt` in the RUSSIAN_TEXT code (text-codes.ts), each string
 * ended by the code's END symbol, padded to a whole byte.
 */
export const FIELD_SEPARATOR = '\u001f';
const HTTPS_MARK = '\u001e';
const COMMENT_ID_MARK = '\u0001';
const THREAD_ID_MARK = '\u0002';

/** One-letter codes; lua/includes/record.lua decodes them (test/unit/adapters/redis/record-codes.test.ts). */
export const CATEGORY_CODES: Record<string, string> = {
  housing_utilities: 'h',
  urban_improvement: 'u',
  roads_transport: 'r',
  healthcare: 'm',
  education: 'e',
  social_protection: 's',
  ecology: 'g',
  safety_emergency: 'x',
  economy_labor: 'j',
  culture_sport: 'c',
  other: 'o',
};
export const PRIORITY_CODES: Record<string, string> = { critical: 'c', high: 'h', normal: 'n', low: 'l' };

/** A field before the tail may not hold the separator. */
const field = (value: string): string => value.replaceAll(FIELD_SEPARATOR, ' ');
/** A url never holds raw control characters (they are percent-encoded); the marks below rely on it. */
// eslint-disable-next-line no-control-regex
const urlText = (value: string): string => value.replace(/[\u0000-\u001f]/g, ' ');

/** Shortens a url by the parts the record holds anyway: `https://`, the thread id and the comment id. */
export function compactUrl(url: string, threadId: string, commentId: string): string {
  let out = urlText(url);
  if (out.startsWith('https://')) out = HTTPS_MARK + out.slice('https://'.length);
  if (threadId.length >= 2) out = out.replaceAll(urlText(threadId), THREAD_ID_MARK);
  if (commentId.length >= 2) out = out.replaceAll(urlText(commentId), COMMENT_ID_MARK);
  return out;
}

export function expandUrl(stored: string, threadId: string, commentId: string): string {
  let out = stored
    .replaceAll(COMMENT_ID_MARK, urlText(commentId))
    .replaceAll(THREAD_ID_MARK, urlText(threadId));
  if (out.startsWith(HTTPS_MARK)) out = `https://${out.slice(1)}`;
  return out;
}

const to36 = (n: number): string => Math.floor(n).toString(36);

/** One writer for every record: encoding is synchronous, so it is never shared by two at a time. */
const tailWriter = new BitWriter();

/** The record body of an opening comment (Lua prepends the alert kind, level and next alert time). */
export function encodeRecordBody(command: OpenSlaCommand): Buffer {
  const head =
    to36(command.postedAt) +
    FIELD_SEPARATOR +
    to36(command.dueAt - command.postedAt) +
    FIELD_SEPARATOR +
    to36(command.escalationIntervalMs) +
    FIELD_SEPARATOR +
    to36(command.maxEscalationLevel) +
    FIELD_SEPARATOR +
    field(command.region) +
    FIELD_SEPARATOR +
    (CATEGORY_CODES[command.category] ?? field(command.category)) +
    FIELD_SEPARATOR +
    (PRIORITY_CODES[command.priority] ?? field(command.priority)) +
    FIELD_SEPARATOR;
  const tail = tailWriter;
  tail.reset();
  IDENTIFIERS.write(tail, command.municipality ?? '');
  IDENTIFIERS.write(tail, command.threadId);
  IDENTIFIERS.write(tail, command.pageId);
  IDENTIFIERS.write(
    tail,
    command.url === null ? '' : compactUrl(command.url, command.threadId, command.commentId),
  );
  RUSSIAN_TEXT.write(tail, command.excerpt);
  const headBytes = Buffer.byteLength(head, 'utf8');
  const body = Buffer.allocUnsafe(headBytes + tail.byteLength);
  body.write(head, 0, 'utf8');
  tail.copyTo(body, headBytes);
  return body;
}

export interface RecordTail {
  municipality: string | null;
  threadId: string;
  pageId: string;
  url: string | null;
  excerpt: string;
}

/** Decodes the tail that a Lua reader returns as it is stored. */
export function decodeRecordTail(tail: Uint8Array, commentId: string): RecordTail {
  const reader = new BitReader(tail);
  const municipality = IDENTIFIERS.read(reader);
  const threadId = IDENTIFIERS.read(reader);
  const pageId = IDENTIFIERS.read(reader);
  const url = IDENTIFIERS.read(reader);
  return {
    municipality: municipality || null,
    threadId,
    pageId,
    url: url ? expandUrl(url, threadId, commentId) : null,
    excerpt: RUSSIAN_TEXT.read(reader),
  };
}

/** Fields before a stored record's tail: the head's four and the body's seven (lua/includes/record.lua). */
const STORED_FIELDS_BEFORE_TAIL = 11;

/** The tail of a record as stored in its bucket (what `record_row` returns as its last field). */
export function storedRecordTail(stored: Buffer): Buffer {
  let pos = 0;
  for (let i = 0; i < STORED_FIELDS_BEFORE_TAIL; i++) {
    const sep = stored.indexOf(0x1f, pos);
    if (sep < 0) throw new Error('record: fewer fields than its layout has');
    pos = sep + 1;
  }
  return stored.subarray(pos);
}

/** Fields of a record body before its tail (encodeRecordBody). */
const BODY_FIELDS_BEFORE_TAIL = 7;

/** The tail of a record body as encodeRecordBody returns it. */
export function bodyTail(body: Buffer): Buffer {
  let pos = 0;
  for (let i = 0; i < BODY_FIELDS_BEFORE_TAIL; i++) {
    const sep = body.indexOf(0x1f, pos);
    if (sep < 0) throw new Error('record body: fewer fields than its layout has');
    pos = sep + 1;
  }
  return body.subarray(pos);
}

/** What a record of the appeal lifecycle holds (issue #16): a target's clock for the comment's subject. */
export interface TargetRecordFields {
  startedAt: number;
  dueAt: number;
  escalationIntervalMs: number;
  maxEscalationLevel: number;
  region: string;
  category: string;
  priority: string;
}

/**
 * The body of another target's record (the final answer's, the next reply's): the same fields as the
 * comment's own, counted from when the target started, and the comment's tail as its own record kept it.
 */
export function encodeTargetBody(fields: TargetRecordFields, tail: Buffer): Buffer {
  const head =
    to36(fields.startedAt) +
    FIELD_SEPARATOR +
    to36(fields.dueAt - fields.startedAt) +
    FIELD_SEPARATOR +
    to36(fields.escalationIntervalMs) +
    FIELD_SEPARATOR +
    to36(fields.maxEscalationLevel) +
    FIELD_SEPARATOR +
    field(fields.region) +
    FIELD_SEPARATOR +
    (CATEGORY_CODES[fields.category] ?? field(fields.category)) +
    FIELD_SEPARATOR +
    (PRIORITY_CODES[fields.priority] ?? field(fields.priority)) +
    FIELD_SEPARATOR;
  return Buffer.concat([Buffer.from(head, 'utf8'), tail]);
}

const nameOf = (codes: Record<string, string>, code: string): string =>
  Object.keys(codes).find((name) => codes[name] === code) ?? code;

/** The scheduling and subject fields of a stored record (head and body), and its tail. */
export function readStoredRecord(stored: Buffer): TargetRecordFields & { tail: Buffer } {
  const tail = storedRecordTail(stored);
  const f = stored
    .subarray(0, stored.length - tail.length - 1)
    .toString('utf8')
    .split(FIELD_SEPARATOR);
  const startedAt = parseInt(f[4] as string, 36);
  return {
    startedAt,
    dueAt: startedAt + parseInt(f[5] as string, 36),
    escalationIntervalMs: parseInt(f[6] as string, 36),
    maxEscalationLevel: parseInt(f[7] as string, 36),
    region: f[8] as string,
    category: nameOf(CATEGORY_CODES, f[9] as string),
    priority: nameOf(PRIORITY_CODES, f[10] as string),
    tail,
  };
}
