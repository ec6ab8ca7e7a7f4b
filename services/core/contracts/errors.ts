/**
 * Stable reasons for refusing an input message. Each code is a public contract: it lands in the
 * `otklik.dlq.code` header, operators filter and replay by it, dashboards count it. Never rename or reuse
 * one; add new ones at the end. docs/contracts.md has the table with examples.
 */
export const DEAD_LETTER_CODES = {
  EMPTY_VALUE: 'The value is null (a tombstone) or zero bytes long.',
  UNSUPPORTED_CONTENT_TYPE:
    'The content-type header names neither JSON (application/json, UTF-8) nor Avro binary.',
  BAD_MAGIC_BYTE: 'An Avro message whose first byte is not 0, so not the Schema Registry wire format.',
  TRUNCATED_AVRO: 'The wire header (5 bytes) or the Avro body ends before the schema says it should.',
  UNKNOWN_SCHEMA_ID: 'The 4-byte schema id names no schema in the catalogue (or the registry).',
  INCOMPATIBLE_SCHEMA:
    'The schema id is known, but belongs to another subject or cannot be resolved to the reader schema.',
  MALFORMED_AVRO:
    'The Avro body cannot be decoded with its writer schema: bad enum or union index, bad varint, trailing bytes.',
  INVALID_JSON: 'A JSON message that is not UTF-8 or does not parse as JSON.',
  SCHEMA_VIOLATION:
    'A JSON message whose shape breaks the schema: wrong type, unknown field, not an object, not an integer.',
  MISSING_FIELD:
    'A JSON message without a required field (one with no default), or null where null is not allowed.',
  UNKNOWN_ENUM: 'An enum symbol the reader does not know, in an enum with no default to fall back to.',
  TEXT_TOO_LONG: 'The comment text is longer, in UTF-8 bytes, than the configured limit (default 64 KiB).',
  IMPLAUSIBLE_TIME:
    "posted_at (an operator action's acted_at) lies outside the plausible window around the time of processing.",
  INVALID_FIELD:
    'A value the schema allows but Otklik cannot use: an empty event_id or comment_id, a control character in an identifier, a separator of the Redis layout in region.',
  FIELD_TOO_LONG:
    'A string field other than text is longer, in UTF-8 bytes, than its configured limit (identifiers 256 B, url 2 KiB by default).',
  UNKNOWN_REGION: 'region is neither a federal subject code nor one of the configured extra regions.',
  PROCESSING_FAILED:
    'The message passed the gate but processing it failed for good (an unexpected error while classifying, planning or encoding it, a Redis script or the broker refusing it): the error is in otklik.dlq.message.',
} as const;

export type DeadLetterCode = keyof typeof DEAD_LETTER_CODES;

export function isDeadLetterCode(value: string): value is DeadLetterCode {
  return Object.prototype.hasOwnProperty.call(DEAD_LETTER_CODES, value);
}

/**
 * Why a message cannot be processed. Never retriable: the same bytes fail the same way, so the message
 * goes to the dead-letter topic and the partition moves on. Messages name field paths and sizes, never
 * the comment's text or author.
 */
export class ContractError extends Error {
  readonly retriable = false;
  override readonly name = 'ContractError';

  constructor(
    readonly code: DeadLetterCode,
    message: string,
    /** Dotted path of the offending field, when one is to blame (e.g. `author.kind`). */
    readonly field?: string,
  ) {
    super(message);
  }
}

/**
 * A schema-conforming value could not be encoded: a bug in the code that built it, not bad input, so it
 * must not be dead-lettered as if the producer had sent it.
 */
export class ContractEncodeError extends Error {
  readonly code = 'ENCODE_INVALID_VALUE';
  override readonly name = 'ContractEncodeError';
}
