/**
 * What the gate asks of CommentEvent's string fields besides `text` (which has TEXT_TOO_LONG): a size
 * limit each, no control characters, and a region Otklik knows. Every one of these values ends up in
 * Redis (keys, counter fields, the open record), in the classified output and in logs, so a bound here
 * bounds all of them: services/core/sla/record-bound.ts turns the limits into the largest open record.
 */
import { regionInfo } from '../regions/index.js';
import { ContractError } from './errors.js';
import type { CommentEvent } from './schema-types.generated.js';

/** Every string field of CommentEvent but `text`, by its dotted path (the DLQ's field header). */
export const LIMITED_FIELDS = [
  'event_id',
  'comment_id',
  'thread_id',
  'parent_comment_id',
  'page_id',
  'region',
  'municipality',
  'author.id',
  'url',
] as const;
export type LimitedField = (typeof LIMITED_FIELDS)[number];
export type FieldByteLimits = Readonly<Record<LimitedField, number>>;

/** Identifiers are short on every platform; a url with its query still fits in 2 KiB. */
export const DEFAULT_FIELD_BYTES: FieldByteLimits = Object.freeze({
  event_id: 256,
  comment_id: 256,
  thread_id: 256,
  parent_comment_id: 256,
  page_id: 256,
  region: 64,
  municipality: 256,
  'author.id': 256,
  url: 2048,
});

/**
 * The largest limit any field may be given. It keeps comment keys (`platform:comment_id`, a Redis key
 * and a field of every packed transition, whose lengths are 16-bit: transition-packing.ts) and counter
 * fields (`metric|region|...`) far below their hard limits, whatever else the config says.
 */
export const MAX_FIELD_LIMIT_BYTES = 8 * 1024;

/**
 * Region codes an operator may add (`limits.extraRegions`): what counter fields and the board can carry
 * as they are. Letters, digits, `_`, `.`, `-`: never `|`, the counter fields' separator.
 */
export const EXTRA_REGION_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Control characters (C0, DEL, C1) and lone surrogates. The open record uses U+0001, U+0002, U+001E and
 * U+001F as marks and separators, logs and terminals must not get them raw, and a lone surrogate does
 * not survive UTF-8 (Redis keys, Kafka). No identifier or url legitimately holds one.
 */
const UNUSABLE_CHARACTER = /[\p{Cc}\p{Cs}]/u;

/** The counter fields' separator (`<metric>|<region>|<category>|<priority>`, lua/_README.md). */
const COUNTER_SEPARATOR = '|';

function valueOf(event: CommentEvent, field: LimitedField): string | null {
  return field === 'author.id' ? event.author.id : event[field];
}

/** UTF-8 length, without encoding when the string is short enough either way (3 bytes per unit at most). */
function overLimit(value: string, limit: number): number | undefined {
  if (value.length * 3 <= limit) return undefined;
  const bytes = Buffer.byteLength(value, 'utf8');
  return bytes > limit ? bytes : undefined;
}

/**
 * Throws FIELD_TOO_LONG, INVALID_FIELD or UNKNOWN_REGION for the first field that breaks a rule. Sizes
 * come first: they are cheap and bound the work of the other checks.
 */
export function checkStringFields(
  event: CommentEvent,
  limits: FieldByteLimits,
  extraRegions: ReadonlySet<string>,
): void {
  for (const field of LIMITED_FIELDS) {
    const value = valueOf(event, field);
    if (value === null) continue;
    const bytes = overLimit(value, limits[field]);
    if (bytes !== undefined) {
      throw new ContractError(
        'FIELD_TOO_LONG',
        `${field} is ${bytes} bytes of UTF-8, over the limit of ${limits[field]}`,
        field,
      );
    }
  }
  for (const field of LIMITED_FIELDS) {
    const value = valueOf(event, field);
    if (value === null) continue;
    const bad = UNUSABLE_CHARACTER.exec(value);
    if (bad) {
      const unit = bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
      throw new ContractError(
        'INVALID_FIELD',
        `${field} holds U+${unit} at index ${bad.index}: no control characters or lone surrogates`,
        field,
      );
    }
  }
  if (event.region.includes(COUNTER_SEPARATOR)) {
    throw new ContractError(
      'INVALID_FIELD',
      `region holds '|', the separator of the SLA counter fields`,
      'region',
    );
  }
  if (!regionInfo(event.region) && !extraRegions.has(event.region)) {
    // The value is at most limits.region bytes of printable characters: safe to quote, and what an
    // operator needs to add it to limits.extraRegions.
    throw new ContractError(
      'UNKNOWN_REGION',
      `region ${JSON.stringify(event.region)} is not a federal subject code nor in limits.extraRegions`,
      'region',
    );
  }
}
