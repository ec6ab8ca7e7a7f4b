/**
 * A dead letter must fit in one Kafka record: the broker refuses a record over `message.max.bytes`
 * (1 MiB by default) for good, and a worker that cannot write a dead letter cannot move on. The input
 * itself was accepted by the broker, but the dead-letter headers come on top, so a dead letter at the
 * limit is written truncated: the value first, then (rarely) the original headers and the key, with
 * headers saying what was cut, how long the original value was and its SHA-256. A truncated dead letter
 * can be identified, never replayed (the dlq tool refuses it).
 */
import { createHash } from 'node:crypto';
import {
  DLQ_ORIGINAL_SHA256_HEADER,
  DLQ_ORIGINAL_SIZE_HEADER,
  DLQ_TRUNCATED_HEADER,
  isDeadLetterHeader,
  type OutgoingHeaders,
} from './dead-letter.js';

/**
 * Record framing beyond key, value and header bytes: the record batch header (61 bytes) plus the
 * record's own varints and attributes, with room to spare.
 */
export const RECORD_FRAMING_BYTES = 128;
/** Per header: its name and value are varint-length-prefixed. */
const HEADER_FRAMING_BYTES = 10;
/** The three truncation headers with their values, at most. */
const TRUNCATION_HEADERS_BYTES = 3 * HEADER_FRAMING_BYTES + 200;

export interface DeadLetterRecord {
  key: Buffer | string | null;
  value: Buffer | null;
  headers: OutgoingHeaders;
}

const bytesOf = (data: Buffer | string | null | undefined): number =>
  data == null ? 0 : typeof data === 'string' ? Buffer.byteLength(data) : data.length;

function headersBytes(headers: OutgoingHeaders): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(headers)) {
    for (const one of Array.isArray(value) ? value : [value]) {
      bytes += HEADER_FRAMING_BYTES + Buffer.byteLength(name) + bytesOf(one);
    }
  }
  return bytes;
}

/** Bytes the record takes in a record batch of its own, an overestimate. */
export function recordBytes(record: {
  key: Buffer | string | null;
  value: Buffer | null;
  headers?: OutgoingHeaders;
}): number {
  return (
    RECORD_FRAMING_BYTES + bytesOf(record.key) + bytesOf(record.value) + headersBytes(record.headers ?? {})
  );
}

const asBuffer = (data: Buffer | string): Buffer => (typeof data === 'string' ? Buffer.from(data) : data);

/**
 * The dead letter itself when it fits in `maxBytes`, else a truncated copy that does. The otklik.dlq.*
 * headers are always kept (they are small: the message is capped at 1000 characters).
 */
export function boundDeadLetter(record: DeadLetterRecord, maxBytes: number): DeadLetterRecord {
  if (recordBytes(record) <= maxBytes) return record;
  const value = record.value ?? Buffer.alloc(0);
  const reason: OutgoingHeaders = {};
  const original: OutgoingHeaders = {};
  for (const [name, header] of Object.entries(record.headers)) {
    if (isDeadLetterHeader(name)) reason[name] = header;
    else original[name] = header;
  }
  const cut: string[] = ['value'];
  let key = record.key;
  let kept = original;
  const fixedBytes = () =>
    RECORD_FRAMING_BYTES +
    TRUNCATION_HEADERS_BYTES +
    headersBytes(reason) +
    headersBytes(kept) +
    bytesOf(key);
  if (fixedBytes() > maxBytes) {
    cut.push('headers');
    kept = {};
  }
  if (fixedBytes() > maxBytes && key !== null) {
    cut.push('key');
    const room = Math.max(0, maxBytes - fixedBytes() + bytesOf(key));
    key = asBuffer(key).subarray(0, room);
  }
  const valueRoom = Math.max(0, maxBytes - fixedBytes());
  return {
    key,
    value: value.subarray(0, Math.min(value.length, valueRoom)),
    headers: {
      ...kept,
      ...reason,
      [DLQ_TRUNCATED_HEADER]: cut.join(','),
      [DLQ_ORIGINAL_SIZE_HEADER]: String(value.length),
      [DLQ_ORIGINAL_SHA256_HEADER]: createHash('sha256').update(value).digest('hex'),
    },
  };
}
