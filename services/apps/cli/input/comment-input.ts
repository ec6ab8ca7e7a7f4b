/**
 * Turns rows of a JSONL or CSV file into CommentEvents, filling what is missing by fixed rules (see
 * docs/ops.md "otklik produce"), so that replaying the same file twice sends the same ids.
 *
 * Required: `text`, `region`. Defaults:
 *   comment_id         `<id prefix>-<line>` (the id prefix is the file name without extension)
 *   event_id           `<comment_id>-<op in lower case>-<line>`
 *   op                 POSTED            platform    OTHER
 *   page_id            `unknown-page`    thread_id   the page_id
 *   author             { id: 'anonymous', kind: CITIZEN } (CSV: columns author_id, author_kind)
 *   parent_comment_id, municipality, url: null (an empty cell is null too)
 *   posted_at          the moment the event is sent. Given: epoch milliseconds, an ISO 8601 time, or an
 *                      age relative to the moment of sending: `-90s`, `-45m`, `-5h`, `-2d`.
 */
import {
  AUTHOR_KIND_SYMBOLS,
  COMMENT_OP_SYMBOLS,
  PLATFORM_SYMBOLS,
  encodeCommentEvent,
  type AuthorKind,
  type CommentEvent,
  type CommentOp,
  type Platform,
} from '../../../core/contracts/index.js';

/** When the comment was posted: fixed in the file, relative to the send time, or the send time itself. */
export type PostedAt = { kind: 'at'; ms: number } | { kind: 'ago'; ms: number } | { kind: 'send' };

export interface CommentTemplate {
  line: number;
  event: Omit<CommentEvent, 'posted_at'>;
  postedAt: PostedAt;
}

export class InputError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'InputError';
  }
}

const FIELDS = new Set([
  'event_id',
  'op',
  'platform',
  'comment_id',
  'thread_id',
  'parent_comment_id',
  'page_id',
  'region',
  'municipality',
  'author',
  'author_id',
  'author_kind',
  'text',
  'posted_at',
  'url',
]);

const UNITS_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function symbol<T extends string>(symbols: readonly T[], value: unknown, field: string, line: number): T {
  const upper = String(value).trim().toUpperCase();
  const found = symbols.find((s) => s === upper);
  if (!found) throw new InputError(line, `${field} "${String(value)}" is not one of ${symbols.join(', ')}`);
  return found;
}

function optionalString(value: unknown, field: string, line: number): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new InputError(line, `${field} must be a string`);
}

function requiredString(value: unknown, field: string, line: number): string {
  const s = optionalString(value, field, line);
  if (s === null || s.trim() === '') throw new InputError(line, `${field} is required`);
  return s;
}

export function parsePostedAt(value: unknown, line: number): PostedAt {
  if (value === undefined || value === null || value === '') return { kind: 'send' };
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value.trim()))) {
    const ms = Number(value);
    if (!Number.isSafeInteger(ms) || ms < 0) throw new InputError(line, `posted_at ${value} is not epoch ms`);
    return { kind: 'at', ms };
  }
  if (typeof value !== 'string') throw new InputError(line, 'posted_at must be a number or a string');
  const relative = /^-(\d+(?:\.\d+)?)([smhd])$/.exec(value.trim());
  if (relative) return { kind: 'ago', ms: Math.round(Number(relative[1]) * (UNITS_MS[relative[2]!] ?? 0)) };
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}/.test(value.trim())) {
    throw new InputError(line, `posted_at "${value}" is neither epoch ms, ISO 8601 nor an age like -45m`);
  }
  return { kind: 'at', ms };
}

function authorOf(raw: Record<string, unknown>, line: number): { id: string; kind: AuthorKind } {
  let id: unknown = raw.author_id;
  let kind: unknown = raw.author_kind;
  if (raw.author !== undefined && raw.author !== null) {
    if (typeof raw.author !== 'object' || Array.isArray(raw.author)) {
      throw new InputError(line, 'author must be an object { id, kind }');
    }
    const author = raw.author as Record<string, unknown>;
    id ??= author.id;
    kind ??= author.kind;
  }
  return {
    id: optionalString(id, 'author.id', line) ?? 'anonymous',
    kind:
      kind === undefined || kind === '' ? 'CITIZEN' : symbol(AUTHOR_KIND_SYMBOLS, kind, 'author.kind', line),
  };
}

/** Builds one template from a row's fields; throws InputError naming the line and the field. */
export function toCommentTemplate(
  raw: Record<string, unknown>,
  line: number,
  idPrefix: string,
): CommentTemplate {
  const unknown = Object.keys(raw).filter((k) => !FIELDS.has(k));
  if (unknown.length) throw new InputError(line, `unknown field(s): ${unknown.join(', ')}`);
  const op: CommentOp = raw.op ? symbol(COMMENT_OP_SYMBOLS, raw.op, 'op', line) : 'POSTED';
  const platform: Platform = raw.platform
    ? symbol(PLATFORM_SYMBOLS, raw.platform, 'platform', line)
    : 'OTHER';
  const commentId = optionalString(raw.comment_id, 'comment_id', line) ?? `${idPrefix}-${line}`;
  const pageId = optionalString(raw.page_id, 'page_id', line) ?? 'unknown-page';
  const event: Omit<CommentEvent, 'posted_at'> = {
    event_id: optionalString(raw.event_id, 'event_id', line) ?? `${commentId}-${op.toLowerCase()}-${line}`,
    op,
    platform,
    comment_id: commentId,
    thread_id: optionalString(raw.thread_id, 'thread_id', line) ?? pageId,
    parent_comment_id: optionalString(raw.parent_comment_id, 'parent_comment_id', line),
    page_id: pageId,
    region: requiredString(raw.region, 'region', line),
    municipality: optionalString(raw.municipality, 'municipality', line),
    author: authorOf(raw, line),
    text: requiredString(raw.text, 'text', line),
    url: optionalString(raw.url, 'url', line),
  };
  const template = { line, event, postedAt: parsePostedAt(raw.posted_at, line) };
  try {
    encodeCommentEvent(toCommentEvent(template, Date.now())); // the schema's own check, before sending
  } catch (e) {
    throw new InputError(line, (e as Error).message);
  }
  return template;
}

/** The event as sent at `sendMs`. */
export function toCommentEvent(template: CommentTemplate, sendMs: number): CommentEvent {
  const p = template.postedAt;
  const postedAt = p.kind === 'at' ? p.ms : p.kind === 'ago' ? sendMs - p.ms : sendMs;
  return { ...template.event, posted_at: postedAt };
}

/**
 * `--rebase-time`: shifts fixed times so the newest one becomes `nowMs`, keeping the gaps between them;
 * replays an old capture as if it were happening now.
 */
export function rebaseTimes(templates: CommentTemplate[], nowMs: number): CommentTemplate[] {
  const fixed = templates.flatMap((t) => (t.postedAt.kind === 'at' ? [t.postedAt.ms] : []));
  if (fixed.length === 0) return templates;
  const shift = nowMs - Math.max(...fixed);
  return templates.map((t) =>
    t.postedAt.kind === 'at' ? { ...t, postedAt: { kind: 'at', ms: t.postedAt.ms + shift } } : t,
  );
}
