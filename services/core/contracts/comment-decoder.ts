/**
 * The input gate: turns a raw message from the comments topic into a CommentEvent, or throws a
 * ContractError whose code says why it belongs in the dead-letter topic. Pure: the caller supplies the
 * time, so the same bytes and time always give the same answer.
 */
import type { SubjectCodec } from './codec.js';
import { ContractError } from './errors.js';
import {
  checkStringFields,
  DEFAULT_FIELD_BYTES,
  EXTRA_REGION_PATTERN,
  LIMITED_FIELDS,
  MAX_FIELD_LIMIT_BYTES,
  type FieldByteLimits,
} from './field-rules.js';
import { inputFormatOf, type IncomingHeaders } from './headers.js';
import type { CommentEvent } from './schema-types.generated.js';

export interface ContractLimits {
  /** Largest accepted `text`, in UTF-8 bytes. */
  maxTextBytes: number;
  /** How far before the time of processing `posted_at` may lie. */
  postedAtPastMs: number;
  /** How far after the time of processing `posted_at` may lie (producers' clock skew). */
  postedAtFutureMs: number;
  /** Largest accepted value of every other string field, in UTF-8 bytes (field-rules.ts). */
  maxFieldBytes: FieldByteLimits;
  /** Region codes accepted besides the federal subjects' (services/core/regions). */
  extraRegions: readonly string[];
}

/** What a caller may override: any of the limits, and any of the fields' byte limits. */
export type ContractLimitsInput = Partial<Omit<ContractLimits, 'maxFieldBytes'>> & {
  maxFieldBytes?: Partial<FieldByteLimits>;
};

const DAY_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_CONTRACT_LIMITS: Readonly<ContractLimits> = Object.freeze({
  maxTextBytes: 64 * 1024,
  // A year and a bit: a backfill of last year's comments still passes; seconds-for-milliseconds (1970)
  // and microseconds-for-milliseconds (far future) do not.
  postedAtPastMs: 400 * DAY_MS,
  // Clock skew only. A producer that sends local time as UTC is hours ahead east of UTC+0 and is caught.
  postedAtFutureMs: 15 * 60 * 1000,
  maxFieldBytes: DEFAULT_FIELD_BYTES,
  extraRegions: Object.freeze([]),
});

const NUMERIC_LIMITS = ['maxTextBytes', 'postedAtPastMs', 'postedAtFutureMs'] as const;

export type CommentDecoder = (
  value: Buffer | null | undefined,
  headers: IncomingHeaders | undefined,
  nowMs: number,
) => CommentEvent;

export function resolveLimits(limits: ContractLimitsInput = {}): ContractLimits {
  const merged: ContractLimits = { ...DEFAULT_CONTRACT_LIMITS };
  for (const key of NUMERIC_LIMITS) {
    const value = limits[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new Error(`contract limit ${key} must be a non-negative integer, got ${String(value)}`);
    }
    merged[key] = value;
  }
  const fieldBytes = { ...DEFAULT_FIELD_BYTES };
  for (const field of LIMITED_FIELDS) {
    const value = limits.maxFieldBytes?.[field];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1 || value > MAX_FIELD_LIMIT_BYTES) {
      throw new Error(
        `contract limit maxFieldBytes.${field} must be an integer from 1 to ${MAX_FIELD_LIMIT_BYTES}, got ${String(value)}`,
      );
    }
    fieldBytes[field] = value;
  }
  merged.maxFieldBytes = Object.freeze(fieldBytes);
  for (const region of limits.extraRegions ?? []) {
    if (!EXTRA_REGION_PATTERN.test(region) || Buffer.byteLength(region) > fieldBytes.region) {
      throw new Error(
        `extra region ${JSON.stringify(region)} must be 1 to ${fieldBytes.region} letters, digits, _ . or -`,
      );
    }
  }
  merged.extraRegions = Object.freeze([...(limits.extraRegions ?? [])]);
  return merged;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function createCommentDecoderWith(
  codec: SubjectCodec<CommentEvent>,
  limits: ContractLimitsInput = {},
): CommentDecoder {
  const resolved = resolveLimits(limits);
  const extraRegions = new Set(resolved.extraRegions);
  return (value, headers, nowMs) => {
    if (!value || value.length === 0) {
      throw new ContractError(
        'EMPTY_VALUE',
        value ? 'value is empty (0 bytes)' : 'value is null (a tombstone)',
      );
    }
    const event = inputFormatOf(headers) === 'json' ? codec.fromJson(parseJson(value)) : codec.decode(value);
    checkEvent(event, resolved, nowMs, extraRegions);
    return event;
  };
}

/** Parses a JSON message's value; INVALID_JSON names the position, never the text. */
export function parseJson(value: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    throw new ContractError('INVALID_JSON', 'value is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    // V8's message quotes the input around the error; keep only the position, never the text.
    const position = /position (\d+)/.exec((err as Error).message)?.[1];
    throw new ContractError(
      'INVALID_JSON',
      `value is not valid JSON${position === undefined ? '' : ` (error at position ${position})`}`,
    );
  }
}

/** Rules the schema cannot express. Same for Avro and JSON input. */
export function checkEvent(
  event: CommentEvent,
  limits: ContractLimits,
  nowMs: number,
  extraRegions: ReadonlySet<string> = new Set(limits.extraRegions),
): void {
  checkStringFields(event, limits.maxFieldBytes, extraRegions);
  for (const field of ['event_id', 'comment_id'] as const) {
    if (event[field].trim() === '') throw new ContractError('INVALID_FIELD', `${field} is empty`, field);
  }
  const textBytes = Buffer.byteLength(event.text, 'utf8');
  if (textBytes > limits.maxTextBytes) {
    throw new ContractError(
      'TEXT_TOO_LONG',
      `text is ${textBytes} bytes of UTF-8, over the limit of ${limits.maxTextBytes}`,
      'text',
    );
  }
  const earliest = nowMs - limits.postedAtPastMs;
  const latest = nowMs + limits.postedAtFutureMs;
  if (event.posted_at < earliest || event.posted_at > latest) {
    throw new ContractError(
      'IMPLAUSIBLE_TIME',
      `posted_at ${event.posted_at} (${isoOrRaw(event.posted_at)}) is outside ${isoOrRaw(earliest)} .. ${isoOrRaw(latest)}`,
      'posted_at',
    );
  }
}

function isoOrRaw(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? 'not a date' : date.toISOString();
}
