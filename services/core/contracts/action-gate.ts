/**
 * The gate of the operator-actions topic: turns a raw message into an OperatorAction, or throws a
 * ContractError whose code says why it belongs in the dead-letter topic. The schema makes the
 * kind-specific fields optional for every kind; this gate says which kind needs which, so a PAUSED
 * without a reason or an ASSIGNED without an agency never reaches the SLA engine. Pure: the caller
 * supplies the time.
 */
import type { SubjectCodec } from './codec.js';
import { parseJson } from './comment-decoder.js';
import { ContractError } from './errors.js';
import { inputFormatOf, type IncomingHeaders } from './headers.js';
import { PLATFORM_SYMBOLS, type OperatorAction, type OperatorActionKind } from './schema-types.generated.js';

export interface ActionLimits {
  /** Largest accepted identifier (action_id, comment_key, operator_id, agency, executor), in UTF-8 bytes. */
  maxIdBytes: number;
  /** Largest accepted note, in UTF-8 bytes. */
  maxNoteBytes: number;
  /** How far before the time of processing `acted_at` may lie. */
  actedAtPastMs: number;
  /** How far after the time of processing `acted_at` may lie (clock skew). */
  actedAtFutureMs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_ACTION_LIMITS: Readonly<ActionLimits> = Object.freeze({
  // A comment key is platform:comment_id, and comment_id may take 256 bytes (field-rules.ts).
  maxIdBytes: 512,
  maxNoteBytes: 4 * 1024,
  // The same window as a comment's posted_at (comment-decoder.ts): a backfill passes, seconds or
  // microseconds for milliseconds do not.
  actedAtPastMs: 400 * DAY_MS,
  actedAtFutureMs: 15 * 60 * 1000,
});

export type OperatorActionDecoder = (
  value: Buffer | null | undefined,
  headers: IncomingHeaders | undefined,
  nowMs: number,
) => OperatorAction;

/** Avro in the wire format, or JSON under the same schema with content-type application/json. */
export function createOperatorActionDecoderWith(
  codec: SubjectCodec<OperatorAction>,
  limits: Partial<ActionLimits> = {},
): OperatorActionDecoder {
  const resolved = { ...DEFAULT_ACTION_LIMITS, ...limits };
  return (value, headers, nowMs) => {
    if (!value || value.length === 0) {
      throw new ContractError(
        'EMPTY_VALUE',
        value ? 'value is empty (0 bytes)' : 'value is null (a tombstone)',
      );
    }
    const action = inputFormatOf(headers) === 'json' ? codec.fromJson(parseJson(value)) : codec.decode(value);
    checkOperatorAction(action, nowMs, resolved);
    return action;
  };
}

/** Which optional field each kind requires; every other kind must leave it null. */
const FIELD_OF_KIND: Partial<Record<OperatorActionKind, 'assignment' | 'pause_reason' | 'correction'>> = {
  ASSIGNED: 'assignment',
  PAUSED: 'pause_reason',
  RECLASSIFIED: 'correction',
};
const KIND_FIELDS = ['assignment', 'pause_reason', 'correction'] as const;

const PLATFORMS: ReadonlySet<string> = new Set(PLATFORM_SYMBOLS);

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Rules the schema cannot express. Same for Avro and JSON input. Throws ContractError. */
export function checkOperatorAction(
  action: OperatorAction,
  nowMs: number,
  limits: ActionLimits = DEFAULT_ACTION_LIMITS,
): void {
  const ids: [string, string | null][] = [
    ['action_id', action.action_id],
    ['comment_key', action.comment_key],
    ['operator_id', action.operator_id],
    ['assignment.agency', action.assignment?.agency ?? null],
    ['assignment.executor', action.assignment?.executor ?? null],
  ];
  for (const [field, value] of ids) {
    if (value === null) continue;
    checkSize(field, value, limits.maxIdBytes);
    if (CONTROL.test(value)) {
      throw new ContractError('INVALID_FIELD', `${field} holds a control character`, field);
    }
  }
  for (const field of ['action_id', 'operator_id'] as const) {
    if (action[field].trim() === '') throw new ContractError('INVALID_FIELD', `${field} is empty`, field);
  }
  checkCommentKey(action.comment_key);
  if (action.note !== null) checkSize('note', action.note, limits.maxNoteBytes);
  checkKindFields(action);
  const earliest = nowMs - limits.actedAtPastMs;
  const latest = nowMs + limits.actedAtFutureMs;
  if (action.acted_at < earliest || action.acted_at > latest) {
    throw new ContractError(
      'IMPLAUSIBLE_TIME',
      `acted_at ${action.acted_at} (${isoOrRaw(action.acted_at)}) is outside ${isoOrRaw(earliest)} .. ${isoOrRaw(latest)}`,
      'acted_at',
    );
  }
}

/** `PLATFORM:comment_id`, as commentKeyOf (services/core/sla/shard.ts) writes it. */
function checkCommentKey(key: string): void {
  const colon = key.indexOf(':');
  const platform = colon < 0 ? '' : key.slice(0, colon);
  if (!PLATFORMS.has(platform) || key.slice(colon + 1).trim() === '') {
    throw new ContractError(
      'INVALID_FIELD',
      `comment_key must be PLATFORM:comment_id with PLATFORM one of ${PLATFORM_SYMBOLS.join(', ')}`,
      'comment_key',
    );
  }
}

function checkKindFields(action: OperatorAction): void {
  const required = FIELD_OF_KIND[action.kind];
  for (const field of KIND_FIELDS) {
    const present = action[field] !== null;
    if (field === required && !present) {
      throw new ContractError('MISSING_FIELD', `${action.kind} requires ${field}`, field);
    }
    if (field !== required && present) {
      throw new ContractError(
        'INVALID_FIELD',
        `${field} is for ${kindOf(field)} only, not ${action.kind}`,
        field,
      );
    }
  }
  if (action.assignment && action.assignment.agency.trim() === '') {
    throw new ContractError('INVALID_FIELD', 'assignment.agency is empty', 'assignment.agency');
  }
  const correction = action.correction;
  if (correction && Object.values(correction).every((v) => v === null)) {
    throw new ContractError(
      'MISSING_FIELD',
      'RECLASSIFIED corrects nothing: set at least one of category, type, priority, actionable',
      'correction',
    );
  }
}

function kindOf(field: (typeof KIND_FIELDS)[number]): OperatorActionKind {
  return (Object.keys(FIELD_OF_KIND) as OperatorActionKind[]).find((k) => FIELD_OF_KIND[k] === field)!;
}

function checkSize(field: string, value: string, limit: number): void {
  if (value.length * 3 <= limit) return;
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > limit) {
    throw new ContractError(
      'FIELD_TOO_LONG',
      `${field} is ${bytes} bytes of UTF-8, over the limit of ${limit}`,
      field,
    );
  }
}

function isoOrRaw(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? 'not a date' : date.toISOString();
}
