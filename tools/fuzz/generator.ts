/**
 * Hostile CommentEvents as real wire messages, for the fuzzer (`npm run fuzz`, test/integration/roles/worker/fuzz).
 *
 * fast-check arbitraries build the cases; `fc.sample` with a seed derived from the run's seed and the
 * chunk number draws them, so the same seed gives the same messages, chunk by chunk (the long run never
 * holds more than one chunk of bodies). Half the stream is ordinary traffic (opens, official replies,
 * edits, deletes, exact re-sends), so the SLA path runs between the hostile cases.
 *
 * Every message carries the headers `fuzz.i` (its index) and `fuzz.case` (its case name): the harness
 * reads them back from the input topic and from dead letters (which keep the original headers).
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  defaultCodecs,
  inputFormatOf,
  encodeCommentEvent,
  frameWire,
  type CommentEvent,
} from '../../services/core/contracts/index.js';
import { commentKeyOf } from '../../services/core/sla/shard.js';
import { createCommentFactory, REGION_CODES } from '../harness/comment-texts.js';
import { seededRandom } from '../harness/random.js';

export const FUZZ_INDEX_HEADER = 'fuzz.i';
export const FUZZ_CASE_HEADER = 'fuzz.case';

/** The producer refuses a request over ~900 KB; key, value and headers of one message stay below. */
export const MAX_MESSAGE_BYTES = 880_000;

/** What the harness may expect of a message, from a permissive local decode of the very bytes sent. */
export type Expectation =
  /** Ordinary traffic: classified (one output per copy stored on the input topic). */
  | 'classify'
  /** Ordinary delete: no output, no dead letter. */
  | 'silent'
  /** Decodes under the schema: classified or dead-lettered (field limits decide), never both. */
  | 'either'
  /** A delete that decodes: consumed silently or dead-lettered. */
  | 'silent-or-dlq'
  /** Not a CommentEvent at all: dead-lettered. */
  | 'dlq';

/** Long strings are kept as a hash: the harness holds the metadata of every message of a long run. */
export function idOf(value: string): string {
  return value.length <= 160 ? value : `sha1:${createHash('sha1').update(value).digest('hex')}`;
}

export interface MessageMeta {
  index: number;
  kind: string;
  expect: Expectation;
  /** Of the decoded event (idOf), when the bytes decode under the schema. */
  eventId?: string;
  op?: CommentEvent['op'];
  /** platform:comment_id (idOf). */
  commentKey?: string;
  authorKind?: CommentEvent['author']['kind'];
  /** platform:parent_comment_id (idOf) of an OFFICIAL reply. */
  parentKey?: string | null;
  postedAt?: number;
  /** UTF-8 bytes of the largest string field and its name: stall suspects are the big ones. */
  largestField?: { name: string; bytes: number };
  /** Fields over 16 KB. */
  bigFields?: string[];
  bytes: number;
  /** Why the permissive local decode refused it (a dead-letter code). */
  localCode?: string;
}

export interface FuzzMessage {
  key: Buffer | string | null;
  value: Buffer | null;
  headers: Record<string, string | Buffer | (string | Buffer)[]>;
  meta: MessageMeta;
}

export interface GeneratorOptions {
  seed: number;
  /** Carried by every generated identifier, so the run's Redis keys can be found by it. */
  token: string;
  /** Share of ordinary traffic, 0..1 (default 0.5). */
  normalShare?: number;
  /** Share of hostile events with one or more fields near or past a plausible limit (default 0.08). */
  bigShare?: number;
  /**
   * Case names to leave out (to look past a known defect); `big-<field>` leaves out events whose
   * <field> is over 16 KB.
   */
  without?: readonly string[];
  /** Cap on every string field of a hostile event, in UTF-8 bytes (to look past a size cliff). */
  maxFieldBytes?: number;
}

// ---------------------------------------------------------------------------------------------------
// Strings

const CONTROL = [
  ...Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)),
  '\u007f',
  '\u0085',
  '\u009b',
];
/** The separators of the Redis layout and counters, Redis glob characters, JSON and CSV specials. */
const SEPARATORS = ['|', ':', '{', '}', '\n', '\r', '\u0000', '\u001f', '\u001e', '\u0001', '\u0002'];
const GLOB_AND_QUOTES = ['*', '?', '[', ']', '\\', '"', "'", '%', ',', ';', ' ', '\t'];
const UNICODE_ODD = [
  '\u202e', // right-to-left override
  '\u202d',
  '\u2066',
  '\u2069',
  '\u200f',
  '\u200b', // zero width space
  '\u200d',
  '\ufeff',
  '\u0301', // combining acute
  '\u0489',
  '\u0336',
  '😀',
  '𝕏',
  '\u{10ffff}',
  '\ud800', // lone surrogates: Avro writes U+FFFD, JSON refuses them
  '\udfff',
  'ё',
  'Ё',
  'й',
  'ﬀ',
  'İ',
];
const WORDS = ['вода', 'нет', 'горячей', 'мусор', 'яма', 'срочно', 'помогите', 'отопление', 'жалоба', 'дети'];
const ALNUM = 'abcxyz019АБВабв'.split('');

const oddUnit = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ALNUM) },
  { weight: 2, arbitrary: fc.constantFrom(...SEPARATORS) },
  { weight: 1, arbitrary: fc.constantFrom(...CONTROL) },
  { weight: 1, arbitrary: fc.constantFrom(...GLOB_AND_QUOTES) },
  { weight: 2, arbitrary: fc.constantFrom(...UNICODE_ODD) },
);
const oddSmall = (max: number) => fc.string({ unit: oddUnit, minLength: 0, maxLength: max });

/** Sizes in UTF-8 bytes around the limits one may plausibly set, and past them up to ~200 KB. */
const BIG_SIZES = [
  1_023, 1_024, 1_025, 4_096, 16_383, 16_384, 16_385, 32_768, 60_000, 65_535, 65_536, 65_537, 100_000,
  150_000, 200_000,
];
const bigSize = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...BIG_SIZES) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 70_000 }) },
);

/** `piece` repeated to `bytes` of UTF-8, cut on a character boundary (or, `split`, inside one). */
function fillTo(piece: string, bytes: number): string {
  const unit = piece === '' ? 'x' : piece;
  const unitBytes = Buffer.byteLength(unit, 'utf8');
  const whole = unit.repeat(Math.ceil(bytes / unitBytes) + 1);
  let out = Buffer.from(whole, 'utf8').subarray(0, bytes).toString('utf8');
  // A multi-byte character cut in two decodes to U+FFFD; drop it so the size stays at most `bytes`.
  while (Buffer.byteLength(out, 'utf8') > bytes) out = out.slice(0, -1);
  return out;
}

const bigString = fc
  .record({
    piece: fc.oneof(
      oddSmall(12),
      fc.constantFrom(...WORDS).map((w) => `${w} `),
      fc.constantFrom('a', 'я', '😀', '\u0301', '|', '\u0000'),
    ),
    bytes: bigSize,
  })
  .map(({ piece, bytes }) => fillTo(piece, bytes));

const STRING_FIELDS_FOR_BIG = [
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

/** A text for the classifier: natural, one word repeated, one character repeated, long words, marks. */
const hostileText = fc.oneof(
  { weight: 40, arbitrary: oddSmall(200) },
  { weight: 20, arbitrary: fc.integer().map((seed) => naturalText(seed).slice(0, 400 + (seed & 0x3ff))) },
  {
    weight: 3,
    arbitrary: fc
      .record({ word: fc.constantFrom(...WORDS), bytes: bigSize })
      .map(({ word, bytes }) => fillTo(`${word} `, bytes)),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ ch: fc.constantFrom('а', 'a', '!', ' ', '\n', '😀', '\u0301'), bytes: bigSize })
      .map(({ ch, bytes }) => fillTo(ch, bytes)),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ bytes: bigSize, seed: fc.integer() })
      .map(({ bytes, seed }) => fillTo(naturalText(seed), bytes)),
  },
  { weight: 1, arbitrary: bigString },
  { weight: 3, arbitrary: fc.constant('') },
);

function naturalText(seed: number): string {
  const factory = createCommentFactory('t', seed);
  return Array.from({ length: 8 }, () => factory.comment(0).text).join('\n');
}

/** One string field: mostly short and odd, sometimes empty or a forgery (big ones come from `bigFields`). */
const fieldString = fc.oneof(
  { weight: 12, arbitrary: oddSmall(40) },
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.constantFrom('77|safety_emergency|critical|', 'a:b:{1}:f:x', '*', '\u001f') },
);

/** An identifier: like any field, but rarely blank (the gate's INVALID_FIELD needs only a few). */
const idString = fc.oneof(
  { weight: 20, arbitrary: fieldString.map((value) => ({ value, blank: false })) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\t\n').map((value) => ({ value, blank: true })) },
);

/** Which fields of an event are near or past a plausible limit: none, or (`share` of events) one or a few. */
function bigFields(share: number) {
  const field = fc.record({ field: fc.constantFrom(...STRING_FIELDS_FOR_BIG), value: bigString });
  return fc.oneof(
    {
      weight: Math.round((1 - share) * 1000),
      arbitrary: fc.constant([] as { field: string; value: string }[]),
    },
    { weight: Math.round(share * 800), arbitrary: fc.array(field, { minLength: 1, maxLength: 1 }) },
    { weight: Math.round(share * 200), arbitrary: fc.array(field, { minLength: 2, maxLength: 4 }) },
  );
}

// ---------------------------------------------------------------------------------------------------
// Times

const DAY = 86_400_000;
type TimeSpec = number | { relative: number };
const postedAt = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: -3 * DAY, max: 0 }).map((d): TimeSpec => ({ relative: d })) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(-399 * DAY, -401 * DAY, 14 * 60_000, 16 * 60_000, 365 * DAY)
      .map((d): TimeSpec => ({ relative: d })),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom<TimeSpec>(
      0,
      -1,
      1,
      -8_640_000_000_000_000,
      8_640_000_000_000_000,
      Number.MAX_SAFE_INTEGER,
      -Number.MAX_SAFE_INTEGER,
    ),
  },
);
const resolveTime = (t: TimeSpec, now: number) => (typeof t === 'number' ? t : now + t.relative);

// ---------------------------------------------------------------------------------------------------
// Hostile events

const OPS = ['POSTED', 'EDITED', 'DELETED'] as const;
const PLATFORMS = ['VK', 'OK', 'TELEGRAM', 'MAX', 'WEB', 'OTHER'] as const;
const AUTHOR_KINDS = ['CITIZEN', 'OFFICIAL', 'MEDIA', 'BOT', 'UNKNOWN'] as const;

const hostileEventShape = (bigShare: number) =>
  fc.record({
    eventId: idString,
    op: fc.constantFrom(...OPS),
    platform: fc.constantFrom(...PLATFORMS),
    commentId: idString,
    threadId: fieldString,
    parent: fc.option(fieldString, { nil: null }),
    pageId: fieldString,
    region: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...REGION_CODES.slice(0, 10), '54') },
      { weight: 2, arbitrary: fieldString },
      {
        weight: 1,
        arbitrary: fc.constantFrom('77|safety_emergency|critical|', '54|x', '77\u001f', '*', '{0}'),
      },
    ),
    municipality: fc.option(fieldString, { nil: null }),
    authorId: fieldString,
    authorKind: fc.constantFrom(...AUTHOR_KINDS),
    text: hostileText,
    postedAt,
    url: fc.option(fieldString, { nil: null }),
    big: bigFields(bigShare),
    /** Kafka key: the comment key, none, empty, or junk. */
    key: fc.constantFrom('comment', 'comment', 'comment', 'null', 'empty', 'junk'),
  });
type HostileShape = ReturnType<typeof hostileEventShape> extends fc.Arbitrary<infer T> ? T : never;

const STRING_FIELDS = [
  'event_id',
  'comment_id',
  'thread_id',
  'parent_comment_id',
  'page_id',
  'region',
  'municipality',
  'author.id',
  'text',
  'url',
] as const;

function fieldsOf(e: CommentEvent): [string, string][] {
  return [
    ['event_id', e.event_id],
    ['comment_id', e.comment_id],
    ['thread_id', e.thread_id],
    ['parent_comment_id', e.parent_comment_id ?? ''],
    ['page_id', e.page_id],
    ['region', e.region],
    ['municipality', e.municipality ?? ''],
    ['author.id', e.author.id],
    ['text', e.text],
    ['url', e.url ?? ''],
  ];
}

/** The blank ids of `idString` stay blank (the gate must refuse them); any other gets a unique suffix. */
const unique = (id: { value: string; blank: boolean }, suffix: string) =>
  id.blank ? id.value : `${id.value}~${suffix}`;

function hostileEvent(
  s: HostileShape,
  index: number,
  token: string,
  now: number,
  maxFieldBytes: number,
): CommentEvent {
  const event: CommentEvent = {
    event_id: unique(s.eventId, `${token}.${index}`),
    op: s.op,
    platform: s.platform,
    comment_id: unique(s.commentId, `${token}.${index}`),
    thread_id: s.threadId,
    parent_comment_id: s.parent === null ? null : `${s.parent}~${token}.p${index}`,
    page_id: s.pageId,
    region: s.region,
    municipality: s.municipality,
    author: { id: s.authorId, kind: s.authorKind },
    text: s.text,
    posted_at: resolveTime(s.postedAt, now),
    url: s.url,
  };
  for (const { field, value } of s.big) {
    if (field === 'parent_comment_id' || field === 'municipality' || field === 'url') {
      (event as unknown as Record<string, string>)[field] = value;
    } else if (field === 'event_id' || field === 'comment_id') {
      setField(event, field, unique({ value, blank: false }, `${token}.${index}`));
    } else setField(event, field, value);
  }
  if (event.parent_comment_id !== null && !event.parent_comment_id.includes(token)) {
    event.parent_comment_id = `${event.parent_comment_id}~${token}.p${index}`;
  }
  for (const [name, value] of fieldsOf(event)) {
    if (Buffer.byteLength(value, 'utf8') > maxFieldBytes) setField(event, name, fillTo(value, maxFieldBytes));
  }
  // Several big fields may add up past what the producer sends: shrink the largest until it fits.
  for (;;) {
    const sizes = fieldsOf(event).map(([name, v]) => [name, Buffer.byteLength(v, 'utf8')] as const);
    const total = sizes.reduce((a, [, b]) => a + b, 0) + Buffer.byteLength(event.comment_id) * 2;
    if (total < MAX_MESSAGE_BYTES - 4_000) return event;
    const [name, bytes] = [...sizes].sort((a, b) => b[1] - a[1])[0] as readonly [string, number];
    setField(event, name, fillTo(getField(event, name), Math.floor(bytes / 2)));
  }
}

function getField(e: CommentEvent, name: string): string {
  return (fieldsOf(e).find(([n]) => n === name) as [string, string])[1];
}

function setField(e: CommentEvent, name: string, value: string): void {
  switch (name) {
    case 'author.id':
      e.author = { ...e.author, id: value };
      return;
    case 'parent_comment_id':
    case 'municipality':
    case 'url':
      if (e[name] !== null) e[name] = value;
      return;
    default:
      (e as unknown as Record<string, string>)[name] = value;
  }
}

function hostileKey(s: HostileShape, event: CommentEvent): Buffer | string | null {
  switch (s.key) {
    case 'null':
      return null;
    case 'empty':
      return '';
    case 'junk':
      return Buffer.from([0, 0xff, 0xfe, 0x7c, 0x3a]);
    default:
      return commentKeyOf(event.platform, event.comment_id);
  }
}

// ---------------------------------------------------------------------------------------------------
// Encodings: Avro (with odd content-types and byte-level damage) and JSON (with shape damage)

const AVRO_HEADERS = fc.constantFrom<Record<string, string | string[]>>(
  {},
  { 'content-type': 'application/vnd.apache.avro+binary' },
  { 'Content-Type': 'avro/binary' },
  { 'content-type': 'application/octet-stream' },
  { 'content-type': 'text/plain' },
  { 'content-type': ['application/json', 'application/avro'] },
);
const JSON_HEADERS = fc.constantFrom<Record<string, string | string[]>>(
  { 'content-type': 'application/json' },
  { 'Content-Type': 'Application/JSON; charset=UTF-8' },
  { 'content-type': 'application/json; charset="utf8"' },
  { 'content-type': 'application/json; charset=latin1' },
  { 'content-type': ['application/avro', 'application/json'] },
);

/** What happens to the Avro bytes of an event. */
const avroDamage = fc.oneof(
  { weight: 14, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 1, arbitrary: fc.nat().map((at) => ({ kind: 'truncate' as const, at })) },
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ minLength: 1, maxLength: 64 })
      .map((bytes) => ({ kind: 'pad' as const, bytes })),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 255 }).map((byte) => ({ kind: 'magic' as const, byte })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(0, 2, 3, 4, 999, 0x7fffffff, 0xffffffff)
      .map((id) => ({ kind: 'schema-id' as const, id })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) })
      .map((r) => ({ kind: 'flip' as const, ...r })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'invalid-utf8' as const }) },
);
type AvroDamage = typeof avroDamage extends fc.Arbitrary<infer T> ? T : never;

function damageAvro(wire: Buffer, damage: AvroDamage, event: CommentEvent): { value: Buffer; kind: string } {
  switch (damage.kind) {
    case 'none':
      return { value: wire, kind: 'avro' };
    case 'truncate':
      return { value: wire.subarray(0, damage.at % wire.length), kind: 'avro-truncated' };
    case 'pad':
      return { value: Buffer.concat([wire, damage.bytes]), kind: 'avro-padded' };
    case 'magic': {
      const out = Buffer.from(wire);
      out[0] = damage.byte;
      return { value: out, kind: 'avro-bad-magic' };
    }
    case 'schema-id': {
      const out = Buffer.from(wire);
      out.writeUInt32BE(damage.id, 1);
      return { value: out, kind: 'avro-schema-id' };
    }
    case 'flip': {
      const out = Buffer.from(wire);
      const at = 5 + (damage.at % Math.max(1, out.length - 5));
      out.set(damage.bytes.subarray(0, out.length - at), at);
      return { value: out, kind: 'avro-corrupt' };
    }
    case 'invalid-utf8': {
      // The region's bytes replaced by invalid UTF-8 of the same length (the length prefix still fits).
      const regionBytes = Buffer.from(event.region, 'utf8');
      const at = regionBytes.length > 0 ? wire.indexOf(regionBytes, 5) : -1;
      if (at < 0) return { value: wire, kind: 'avro' };
      const out = Buffer.from(wire);
      for (let i = 0; i < regionBytes.length; i++) out[at + i] = [0xff, 0xc3, 0x28, 0xfe][i % 4] as number;
      return { value: out, kind: 'avro-invalid-utf8' };
    }
  }
}

const jsonDamage = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(...STRING_FIELDS, 'op', 'platform', 'author', 'posted_at', 'author.kind')
      .map((field) => ({ kind: 'missing' as const, field })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('event_id', 'region', 'author', 'text', 'posted_at', 'url', 'op', 'platform')
      .map((field) => ({ kind: 'null' as const, field })),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(
        '"NaN"',
        'NaN',
        'Infinity',
        '1e400',
        '-1e400',
        '1.5',
        '-0',
        'null',
        'true',
        '"1700000000000"',
        '9007199254740993',
        '-9007199254740993',
        '[]',
        '{}',
      )
      .map((raw) => ({ kind: 'time' as const, raw })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        { op: 'PINNED' },
        { platform: 'DZEN' },
        { author: { id: 'x', kind: 'ROBOT' } },
        { url: { string: 'https://x' } },
        { extra: 1 },
        { text: 42 },
        { region: ['54'] },
        { author: 'x' },
      )
      .map((patch) => ({ kind: 'patch' as const, patch })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('truncate', 'bom', 'trailing', 'array', 'deep', 'invalid-utf8', 'not-json', 'dup-keys')
      .map((how) => ({ kind: 'text' as const, how })),
  },
);
type JsonDamage = typeof jsonDamage extends fc.Arbitrary<infer T> ? T : never;

function toJson(event: CommentEvent, damage: JsonDamage): { value: Buffer; kind: string } {
  const object: Record<string, unknown> = { ...event, author: { ...event.author } };
  switch (damage.kind) {
    case 'none':
      return { value: Buffer.from(JSON.stringify(object)), kind: 'json' };
    case 'missing':
      if (damage.field === 'author.kind') delete (object.author as Record<string, unknown>).kind;
      else if (damage.field === 'author.id') delete (object.author as Record<string, unknown>).id;
      else delete object[damage.field];
      return { value: Buffer.from(JSON.stringify(object)), kind: 'json-missing-field' };
    case 'null':
      object[damage.field] = null;
      return { value: Buffer.from(JSON.stringify(object)), kind: 'json-null' };
    case 'time': {
      object.posted_at = '__TIME__';
      const text = JSON.stringify(object).replace('"__TIME__"', damage.raw);
      return { value: Buffer.from(text), kind: 'json-odd-time' };
    }
    case 'patch':
      return { value: Buffer.from(JSON.stringify({ ...object, ...damage.patch })), kind: 'json-shape' };
    case 'text': {
      const text = JSON.stringify(object);
      switch (damage.how) {
        case 'truncate':
          return { value: Buffer.from(text.slice(0, Math.floor(text.length / 2))), kind: 'json-invalid' };
        case 'bom':
          return { value: Buffer.from(`\ufeff${text}`), kind: 'json-invalid' };
        case 'trailing':
          return { value: Buffer.from(`${text} {}`), kind: 'json-invalid' };
        case 'array':
          return { value: Buffer.from(`[${text}]`), kind: 'json-shape' };
        case 'deep':
          return { value: Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`), kind: 'json-deep' };
        case 'invalid-utf8':
          return {
            value: Buffer.concat([Buffer.from(text.slice(0, -2)), Buffer.from([0xc3, 0x28, 0x22, 0x7d])]),
            kind: 'json-invalid',
          };
        case 'not-json':
          return { value: Buffer.from(`event_id=${event.event_id.slice(0, 20)}`), kind: 'json-invalid' };
        case 'dup-keys':
          return { value: Buffer.from(`${text.slice(0, -1)},"region":"77|x"}`), kind: 'json-dup-keys' };
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Bytes that are not an event

const garbage = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'tombstone', value: null as Buffer | null }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'empty', value: Buffer.alloc(0) }) },
  {
    weight: 3,
    arbitrary: fc
      .uint8Array({ minLength: 1, maxLength: 4 })
      .map((b) => ({ kind: 'short', value: Buffer.concat([Buffer.from([0]), b]).subarray(0, b.length) })),
  },
  {
    weight: 3,
    arbitrary: fc
      .uint8Array({ minLength: 1, maxLength: 300 })
      .map((b) => ({ kind: 'random', value: Buffer.from(b) })),
  },
  {
    weight: 3,
    arbitrary: fc
      .uint8Array({ minLength: 0, maxLength: 300 })
      .map((b) => ({ kind: 'random-body', value: frameWire(1, Buffer.from(b)) })),
  },
  // A string length varint declaring far more bytes than follow (absurd declared lengths).
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(
        [0xfe, 0xff, 0xff, 0xff, 0x0f],
        [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
        [0x01],
      )
      .map((varint) => ({
        kind: 'absurd-length',
        value: frameWire(1, Buffer.from([...varint, 0x61, 0x62])),
      })),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1_000, max: 860_000 })
      .map((n) => ({ kind: 'big-garbage', value: Buffer.alloc(n, 0x7b) })),
  },
);

// ---------------------------------------------------------------------------------------------------
// Ordinary traffic

interface NormalState {
  factory: ReturnType<typeof createCommentFactory>;
  rnd: () => number;
  comments: { event: CommentEvent; replied: boolean; deleted: boolean; edits: number }[];
  sent: FuzzMessage[];
}

function normalMessage(state: NormalState, now: number): { event: CommentEvent; kind: string } | FuzzMessage {
  const r = state.rnd();
  const pickOpen = () => state.comments[Math.floor(state.rnd() * state.comments.length)];
  if (r < 0.12 && state.comments.length > 0) {
    const c = pickOpen();
    if (c && !c.replied && !c.deleted) {
      c.replied = true;
      return { event: state.factory.reply(c.event, c.event.posted_at + 5 * 60_000), kind: 'normal-reply' };
    }
  } else if (r < 0.18 && state.comments.length > 0) {
    const c = pickOpen();
    if (c && !c.replied && !c.deleted) {
      c.deleted = true;
      return { event: state.factory.deletion(c.event, c.event.posted_at + 60_000), kind: 'normal-delete' };
    }
  } else if (r < 0.24 && state.comments.length > 0) {
    const c = pickOpen();
    if (c && !c.deleted) {
      const text = state.factory.comment(c.event.posted_at).text;
      return {
        event: { ...c.event, event_id: `${c.event.comment_id}-e${++c.edits}`, op: 'EDITED', text },
        kind: 'normal-edit',
      };
    }
  } else if (r < 0.3 && state.sent.length > 0) {
    const again = state.sent[Math.floor(state.rnd() * state.sent.length)] as FuzzMessage;
    return again;
  }
  const event = state.factory.comment(now - 30 * 60_000);
  state.comments.push({ event, replied: false, deleted: false, edits: 0 });
  if (state.comments.length > 5_000) state.comments.splice(0, 1_000);
  return { event, kind: 'normal-comment' };
}

// ---------------------------------------------------------------------------------------------------

const hostileCase = (bigShare: number) =>
  fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        type: fc.constant('avro' as const),
        shape: hostileEventShape(bigShare),
        damage: avroDamage,
        headers: AVRO_HEADERS,
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        type: fc.constant('json' as const),
        shape: hostileEventShape(bigShare),
        damage: jsonDamage,
        headers: JSON_HEADERS,
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({ type: fc.constant('garbage' as const), garbage, headers: AVRO_HEADERS }),
    },
  );
type HostileCase = ReturnType<typeof hostileCase> extends fc.Arbitrary<infer T> ? T : never;

/**
 * A permissive decode: what the bytes are under the schema, if anything, without the gate's rules (sizes,
 * times, characters, regions), which decide between classified and dead-lettered, not what was sent.
 */
function permissive(value: Buffer | null, headers: Record<string, string | string[]>): CommentEvent {
  const codec = defaultCodecs().commentEvent;
  if (!value || value.length === 0) throw new Error('empty value');
  if (inputFormatOf(headers) === 'json') return codec.fromJson(JSON.parse(value.toString('utf8')));
  return codec.decode(value);
}

function describe(
  index: number,
  kind: string,
  key: Buffer | string | null,
  value: Buffer | null,
  headers: Record<string, string | string[]>,
  normal: boolean,
): FuzzMessage {
  const allHeaders = { ...headers, [FUZZ_INDEX_HEADER]: String(index), [FUZZ_CASE_HEADER]: kind };
  const bytes =
    (value?.length ?? 0) +
    (key === null ? 0 : Buffer.byteLength(key)) +
    Buffer.byteLength(JSON.stringify(headers));
  const meta: MessageMeta = { index, kind, expect: 'dlq', bytes };
  try {
    const event = permissive(value, headers);
    const sizes = fieldsOf(event)
      .map(([name, v]) => ({ name, bytes: Buffer.byteLength(v, 'utf8') }))
      .sort((a, b) => b.bytes - a.bytes);
    const largest = sizes[0];
    const big = sizes.filter((f) => f.bytes > 16_384).map((f) => f.name);
    Object.assign(meta, {
      eventId: idOf(event.event_id),
      op: event.op,
      commentKey: idOf(commentKeyOf(event.platform, event.comment_id)),
      authorKind: event.author.kind,
      parentKey:
        event.parent_comment_id === null ? null : idOf(commentKeyOf(event.platform, event.parent_comment_id)),
      postedAt: event.posted_at,
      largestField: largest,
      ...(big.length > 0 ? { bigFields: big } : {}),
    });
    const deleted = event.op === 'DELETED';
    meta.expect = normal ? (deleted ? 'silent' : 'classify') : deleted ? 'silent-or-dlq' : 'either';
  } catch (error) {
    meta.localCode = (error as { code?: string }).code ?? (error as Error).name;
  }
  return { key, value, headers: allHeaders, meta };
}

function hostileMessage(
  c: HostileCase,
  index: number,
  token: string,
  now: number,
  maxFieldBytes: number,
): FuzzMessage {
  if (c.type === 'garbage')
    return describe(
      index,
      `garbage-${c.garbage.kind}`,
      `junk:${token}:${index}`,
      c.garbage.value,
      c.headers,
      false,
    );
  const event = hostileEvent(c.shape, index, token, now, maxFieldBytes);
  for (;;) {
    const key = hostileKey(c.shape, event);
    const { value, kind } =
      c.type === 'avro' ? damageAvro(encodeCommentEvent(event), c.damage, event) : toJson(event, c.damage);
    const bytes = value.length + (key === null ? 0 : Buffer.byteLength(key));
    if (bytes <= MAX_MESSAGE_BYTES) return describe(index, kind, key, value, c.headers, false);
    // JSON escapes (a control character takes six bytes) can grow a field past what fits: halve it.
    const [name, size] = fieldsOf(event)
      .map(([n, v]) => [n, Buffer.byteLength(v, 'utf8')] as const)
      .sort((a, b) => b[1] - a[1])[0] as readonly [string, number];
    setField(event, name, fillTo(getField(event, name), Math.floor(size / 2)));
  }
}

/** Mixes a 32-bit seed with a chunk number (splitmix-style), so chunks draw independent samples. */
function chunkSeed(seed: number, chunk: number): number {
  let x = (seed ^ Math.imul(chunk + 1, 0x9e3779b1)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) | 0;
}

export interface MessageSource {
  /** The next `count` messages (fewer at the end), or an empty array when all were drawn. */
  next(count: number): FuzzMessage[];
}

/**
 * `total` messages drawn chunk by chunk. The same options give the same messages, except for times
 * relative to the moment of drawing (ordinary comments are posted half an hour before it).
 */
export function createMessageSource(total: number, options: GeneratorOptions): MessageSource {
  const normalShare = options.normalShare ?? 0.5;
  const without = new Set(options.without ?? []);
  const cases = hostileCase(options.bigShare ?? 0.08);
  const maxFieldBytes = options.maxFieldBytes ?? Number.MAX_SAFE_INTEGER;
  const state: NormalState = {
    factory: createCommentFactory(`n${options.token}`, options.seed),
    rnd: seededRandom(options.seed ^ 0x2545f491),
    comments: [],
    sent: [],
  };
  let produced = 0;
  let chunk = 0;
  return {
    next(count) {
      const size = Math.min(count, total - produced);
      if (size <= 0) return [];
      // Unbiased: the weights above set the mix (a biased draw favours small and first values).
      const drawn = fc.sample(cases, {
        seed: chunkSeed(options.seed, chunk++),
        numRuns: size,
        unbiased: true,
      });
      const out: FuzzMessage[] = [];
      const now = Date.now();
      for (const c of drawn) {
        const index = produced + out.length;
        if (state.rnd() < normalShare) {
          const ordinary = normalMessage(state, now);
          if ('meta' in ordinary) {
            out.push({
              ...ordinary,
              headers: { ...ordinary.headers, [FUZZ_INDEX_HEADER]: String(index) },
              meta: { ...ordinary.meta, index },
            });
            continue;
          }
          const { event, kind } = ordinary;
          const m = describe(
            index,
            kind,
            commentKeyOf(event.platform, event.comment_id),
            encodeCommentEvent(event),
            {},
            true,
          );
          state.sent.push(m);
          if (state.sent.length > 2_000) state.sent.splice(0, 500);
          out.push(m);
          continue;
        }
        const m = hostileMessage(c, index, options.token, now, maxFieldBytes);
        if (without.has(m.meta.kind) || (m.meta.bigFields ?? []).some((f) => without.has(`big-${f}`))) {
          // Left out on request: an ordinary comment takes its place, so the count stays.
          const event = state.factory.comment(now - 30 * 60_000);
          out.push(
            describe(
              index,
              'normal-comment',
              commentKeyOf(event.platform, event.comment_id),
              encodeCommentEvent(event),
              {},
              true,
            ),
          );
          continue;
        }
        out.push(m);
        // Small hostile messages join the pool of exact re-sends (a producer retrying).
        if (m.meta.bytes < 10_000 && state.rnd() < 0.1) state.sent.push(m);
      }
      produced += out.length;
      return out;
    },
  };
}
