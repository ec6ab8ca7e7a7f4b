/**
 * What a dead letter carries besides the original key, value and headers: the reason, where it came
 * from, and when. Header names are a public contract (operators and the dlq tool read them).
 */
import type { DeadLetterCode } from './errors.js';
import { headerText, type HeaderValue, type IncomingHeaders } from './headers.js';

export const DLQ_HEADER_PREFIX = 'otklik.dlq.';
export const DLQ_CODE_HEADER = 'otklik.dlq.code';
export const DLQ_MESSAGE_HEADER = 'otklik.dlq.message';
/** Only present when one field is to blame, e.g. `author.kind`. */
export const DLQ_FIELD_HEADER = 'otklik.dlq.field';
export const DLQ_SOURCE_TOPIC_HEADER = 'otklik.dlq.source.topic';
export const DLQ_SOURCE_PARTITION_HEADER = 'otklik.dlq.source.partition';
export const DLQ_SOURCE_OFFSET_HEADER = 'otklik.dlq.source.offset';
/** ISO 8601 UTC with milliseconds, e.g. 2025-01-31T09:15:00.000Z. */
export const DLQ_AT_HEADER = 'otklik.dlq.at';
/**
 * Only on a dead letter too large for the broker, written truncated (bounded-dead-letter.ts): what was
 * cut, comma-separated (`value`, then `headers`, then `key`).
 */
export const DLQ_TRUNCATED_HEADER = 'otklik.dlq.truncated';
/** With DLQ_TRUNCATED_HEADER: the original value's length in bytes (decimal). */
export const DLQ_ORIGINAL_SIZE_HEADER = 'otklik.dlq.original.size';
/** With DLQ_TRUNCATED_HEADER: the SHA-256 of the original value, lowercase hex. */
export const DLQ_ORIGINAL_SHA256_HEADER = 'otklik.dlq.original.sha256';

const MAX_MESSAGE_CHARS = 1000;

export interface DeadLetterReason {
  code: DeadLetterCode;
  message: string;
  field?: string | undefined;
}

export interface DeadLetterSource {
  topic: string;
  partition: number;
  offset: string;
}

export function deadLetterHeaders(
  error: DeadLetterReason,
  source: DeadLetterSource,
  nowMs: number,
): Record<string, string> {
  const message =
    error.message.length > MAX_MESSAGE_CHARS
      ? `${error.message.slice(0, MAX_MESSAGE_CHARS - 1)}…`
      : error.message;
  const headers: Record<string, string> = {
    [DLQ_CODE_HEADER]: error.code,
    [DLQ_MESSAGE_HEADER]: message,
    [DLQ_SOURCE_TOPIC_HEADER]: source.topic,
    [DLQ_SOURCE_PARTITION_HEADER]: String(source.partition),
    [DLQ_SOURCE_OFFSET_HEADER]: source.offset,
    [DLQ_AT_HEADER]: new Date(nowMs).toISOString(),
  };
  if (error.field) headers[DLQ_FIELD_HEADER] = error.field;
  return headers;
}

export type OutgoingHeaders = Record<string, Exclude<HeaderValue, undefined>>;

export function isDeadLetterHeader(name: string): boolean {
  return name.startsWith(DLQ_HEADER_PREFIX);
}

/** The original headers minus any otklik.dlq.* ones: what a replay sends back to the input topic. */
export function withoutDeadLetterHeaders(headers: IncomingHeaders | undefined): OutgoingHeaders {
  const out: OutgoingHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined && !isDeadLetterHeader(name)) out[name] = value;
  }
  return out;
}

/**
 * The headers of the dead letter: the original ones untouched, plus the reason. A message that was
 * dead-lettered before, replayed and failed again carries only its new reason.
 */
export function withDeadLetterHeaders(
  original: IncomingHeaders | undefined,
  dlqHeaders: Record<string, string>,
): OutgoingHeaders {
  return { ...withoutDeadLetterHeaders(original), ...dlqHeaders };
}

export interface DeadLetterInfo {
  code: string;
  message: string;
  field: string | undefined;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  /** As written in otklik.dlq.at. */
  at: string;
  /** Set when the dead letter was written truncated: what was cut, and the original value's size and hash. */
  truncated: { cut: string; originalSize: number; originalSha256: string } | undefined;
}

/** Reads the reason back from a dead letter's headers; undefined when it has no otklik.dlq.code. */
export function readDeadLetterHeaders(headers: IncomingHeaders | undefined): DeadLetterInfo | undefined {
  const get = (name: string): string | undefined => headerText(headers?.[name]);
  const code = get(DLQ_CODE_HEADER);
  if (code === undefined) return undefined;
  const partition = Number(get(DLQ_SOURCE_PARTITION_HEADER));
  const cut = get(DLQ_TRUNCATED_HEADER);
  const originalSize = Number(get(DLQ_ORIGINAL_SIZE_HEADER) ?? -1);
  const originalSha256 = get(DLQ_ORIGINAL_SHA256_HEADER) ?? '';
  return {
    code,
    message: get(DLQ_MESSAGE_HEADER) ?? '',
    field: get(DLQ_FIELD_HEADER),
    sourceTopic: get(DLQ_SOURCE_TOPIC_HEADER) ?? '',
    sourcePartition: Number.isInteger(partition) ? partition : -1,
    sourceOffset: get(DLQ_SOURCE_OFFSET_HEADER) ?? '',
    at: get(DLQ_AT_HEADER) ?? '',
    truncated: cut === undefined ? undefined : { cut, originalSize, originalSha256 },
  };
}
