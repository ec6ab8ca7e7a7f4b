/**
 * What the gate asks of CommentEvent's string fields besides `text` (which has TEXT_TOO_LONG): a size
 * limit each, no control characters, and a region Otklik knows. Every one of these values ends up in
 * Redis (keys, counter fields, the open record), in the classified output and in logs, so a bound here
 * bounds all of them: services/adapters/redis/record/record-bound.ts turns the limits into the largest open record.
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

/** Units that may make a value unusable (a surrogate only when unpaired). */
// eslint-disable-next-line no-control-regex
const SUSPECT_UNIT = /[\u0000-\u001f\u007f-\u009f\ud800-\udfff]/;

/**
 * The index of the first control character (C0, DEL, C1) or lone surrogate, or -1. The open record
 * uses U+0001, U+0002, U+001E and U+001F as marks and separators, logs and terminals must not get them
 * raw, and a lone surrogate does not survive UTF-8 (Redis keys, Kafka). No identifier or url
 * legitimately holds one.
 */
function unusableCharacterAt(value: string): number {
  // Most values hold none of these units: one native scan says so.
  const first = value.search(SUSPECT_UNIT);
  if (first < 0) return -1;
  for (let i = first; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit < 0x20 || (unit >= 0x7f && unit <= 0x9f)) return i;
    if (unit < 0xd800 || unit > 0xdfff) continue;
    const next = value.charCodeAt(i + 1);
    if (unit >= 0xdc00 || !(next >= 0xdc00 && next <= 0xdfff)) return i;
    i++;
  }
  return -1;
}

/** The counter fields' separator (`<metric>|<region>|<category>|<priority>`, lua/_README.md). */
const COUNTER_SEPARATOR = '|';

/** The values of LIMITED_FIELDS, in its order (read directly: this runs for every message). */
function valuesOf(event: CommentEvent): (string | null)[] {
  return [
    event.event_id,
    event.comment_id,
    event.thread_id,
    event.parent_comment_id,
    event.page_id,
    event.region,
    event.municipality,
    event.author.id,
    event.url,
  ];
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
  const values = valuesOf(event);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) continue;
    const field = LIMITED_FIELDS[i] as LimitedField;
    const bytes = overLimit(value, limits[field]);
    if (bytes !== undefined) {
      throw new ContractError(
        'FIELD_TOO_LONG',
        `${field} is ${bytes} bytes of UTF-8, over the limit of ${limits[field]}`,
        field,
      );
    }
  }
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) continue;
    const at = unusableCharacterAt(value);
    if (at >= 0) {
      const field = LIMITED_FIELDS[i] as LimitedField;
      const unit = value.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0');
      throw new ContractError(
        'INVALID_FIELD',
        `${field} holds U+${unit} at index ${at}: no control characters or lone surrogates`,
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
