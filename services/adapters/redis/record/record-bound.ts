import { IDENTIFIERS, RUSSIAN_TEXT } from './text-codes.js';

/**
 * The largest open record that the input limits admit, so that the config can refuse limits whose
 * records would not fit instead of a worker failing on one comment (issue #13: a 60 KB region made a
 * record that `record.lua` could not chunk, and the consumer died).
 *
 * The formats keep their limits; the gate keeps every input under them. Layout v1 cut a record into at
 * most 208 chunks (62 bytes in chunk 0, 64 in each other); layout v2 keeps a record whole in one hash
 * field, which has no such limit, but the capacity is kept so that every config keeps its meaning (a
 * record this large turns its own bucket into a hash table, lua/_README.md). The packed transition
 * (transition-packing.ts) carries the body as one field of at most 65,535 bytes, far above it.
 */
export const RECORD_CAPACITY_BYTES = 62 + 207 * 64;

/**
 * Everything in a record but the strings: the alert head Lua writes (kind, level, next alert delta, due
 * and late wheel slots) and the body's numbers (posted_at, due delta, escalation interval, max level),
 * each at most 12 characters of base 36 with a sign for values within 2^53 (a slot at most 6); eleven
 * separators; a category and a priority, one-letter codes or, for a value without a code, its name (24
 * and 16 bytes allowed). 27 + 12 + 48 + 9 + 40 = 136.
 */
export const RECORD_FIXED_BYTES = 160;

/** Limits, in UTF-8 bytes, of the event's fields the record holds. */
export interface RecordFieldBytes {
  region: number;
  municipality: number;
  thread_id: number;
  page_id: number;
  url: number;
}

/**
 * An upper bound of the record's bytes for any comment within these limits and `excerptChars`.
 * municipality, thread_id, page_id and url are Huffman-coded (IDENTIFIERS); a character outside the
 * code is escaped, and since the gate refuses control characters in them (field-rules.ts) every escaped
 * character takes at least 2 bytes of UTF-8. The url's marks (`https://`, the thread and comment ids)
 * only replace longer text. The excerpt is at most `excerptChars` UTF-16 units of any kind.
 */
export function maxRecordBytes(fields: RecordFieldBytes, excerptChars: number): number {
  const identifierBitsPerByte = Math.max(IDENTIFIERS.maxCodedBitsPerUtf8Byte, IDENTIFIERS.escapedBits / 2);
  const identifierBytes = fields.municipality + fields.thread_id + fields.page_id + fields.url;
  const tailBits =
    identifierBitsPerByte * identifierBytes +
    4 * IDENTIFIERS.endBits +
    RUSSIAN_TEXT.maxBitsPerUnit * Math.max(0, excerptChars) +
    RUSSIAN_TEXT.endBits;
  return RECORD_FIXED_BYTES + fields.region + Math.ceil(tailBits / 8);
}
