/**
 * The schema catalogue: every released version of every subject, each with an id that is never reused.
 * Without a Schema Registry these ids are what the wire format carries. Pure: built from parsed JSON;
 * catalogue-files.ts reads schemas/ from disk.
 */
import avro from 'avsc';
import type { Schema, Type } from 'avsc';
import { fullNameOf, type SchemaJson } from './schema-json.js';

/** Subjects are the full names of the top-level records (RecordNameStrategy in registry terms). */
export const SUBJECTS = {
  commentEvent: 'otklik.CommentEvent',
  classifiedComment: 'otklik.ClassifiedComment',
  slaAlert: 'otklik.SlaAlert',
  incidentEvent: 'otklik.IncidentEvent',
  operatorAction: 'otklik.OperatorAction',
} as const;

/** One line of schemas/catalogue.json. */
export interface CatalogueRecord {
  /** The id written after the magic byte. Unique over the whole catalogue and never reused. */
  id: number;
  subject: string;
  /** 1, 2, 3, ... per subject, no gaps. */
  version: number;
  /** File name under schemas/. */
  file: string;
  /** contractSha256 of the schema at release: a released schema may change its docs, nothing else. */
  sha256: string;
}

export interface CatalogueEntry extends CatalogueRecord {
  schema: SchemaJson;
  type: Type;
}

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

function isExactLong(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** The part of avsc's Tap (its read/write cursor over a buffer) the exact long needs. */
interface Tap {
  buf: Buffer;
  pos: number;
  readLong(): number;
  writeLong(value: number): void;
}

/**
 * Avro `long` as a JavaScript number, exact over ±(2^53 - 1), anything wider refused. avsc's built-in
 * long goes through floating point: it writes and reads negatives below -2^52 with the wrong sign (the
 * zigzag value's low bit, which carries the sign, does not fit a double), and Java's avro-tools agrees
 * with this codec, not with avsc's (test/integration/core/contracts/avro-interop.test.ts).
 *
 * Speed: avsc's float arithmetic is exact while the zigzag value fits 53 bits, which covers every long
 * Otklik writes (timestamps, durations, counts). So reads of varints up to 7 bytes (49 bits) and writes
 * of values from -2^52 to 2^53 - 1 take avsc's fast path; only the rest goes through BigInt.
 */
const BIGINT_LONG = avro.types.LongType.__with({
  fromBuffer(buf: Buffer): number {
    return exactNumber(buf.readBigInt64LE(0));
  },
  toBuffer(value: number): Buffer {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(value));
    return buf;
  },
  fromJSON(value: unknown): number {
    if (!isExactLong(value)) throw new Error(`not a long within ±(2^53 - 1): ${String(value)}`);
    return value;
  },
  toJSON: (value: number): number => value,
  isValid: isExactLong,
  compare: (a: number, b: number): number => (a === b ? 0 : a < b ? -1 : 1),
});

const FAST_WRITE_MIN = -(2 ** 52);
/** A varint of at most this many bytes holds at most 49 bits: avsc reads it exactly. */
const FAST_READ_BYTES = 7;
/** 64 bits in 7-bit groups. */
const MAX_VARINT_BYTES = 10;

function exactNumber(value: bigint): number {
  if (value > MAX_EXACT || value < -MAX_EXACT) throw new Error('long outside ±(2^53 - 1)');
  return Number(value);
}

/** avsc freezes the type __with returns; the fast paths live on an object that inherits from it. */
export const EXACT_LONG: Type = Object.freeze(
  Object.assign(Object.create(BIGINT_LONG) as Type, {
    _read(tap: Tap): number {
      const { buf, pos } = tap;
      for (let i = 0; i < FAST_READ_BYTES; i++) {
        if (((buf[pos + i] ?? 0) & 0x80) === 0) return tap.readLong();
      }
      let zigzag = 0n;
      let shift = 0n;
      for (let i = 0; i < MAX_VARINT_BYTES; i++) {
        const byte = buf[tap.pos++];
        // Past the end: the cursor is beyond the buffer, which the caller reports as truncated.
        if (byte === undefined) return 0;
        zigzag |= BigInt(byte & 0x7f) << shift;
        if ((byte & 0x80) === 0) {
          zigzag = BigInt.asUintN(64, zigzag);
          return exactNumber((zigzag >> 1n) ^ -(zigzag & 1n));
        }
        shift += 7n;
      }
      throw new Error('long varint longer than 10 bytes');
    },
    _write(tap: Tap, value: unknown): void {
      if (typeof value === 'number' && value >= FAST_WRITE_MIN && isExactLong(value)) {
        tap.writeLong(value);
        return;
      }
      if (!isExactLong(value)) throw new Error(`invalid "long": ${String(value)}`);
      const big = BigInt(value);
      let zigzag = BigInt.asUintN(64, (big << 1n) ^ (big >> 63n));
      // Bytes past the end of the buffer are dropped and the cursor still moves: avsc then reports the
      // buffer as too small, as for any other type.
      do {
        let byte = Number(zigzag & 0x7fn);
        zigzag >>= 7n;
        if (zigzag !== 0n) byte |= 0x80;
        tap.buf[tap.pos++] = byte;
      } while (zigzag !== 0n);
    },
  }),
);

/**
 * How every Avro type in Otklik is built: exact numbers for longs and timestamps (no logical-type
 * classes, so timestamp-millis stays a number of milliseconds), plain record objects.
 */
export function buildAvroType(schema: unknown, options: { wrapUnions?: boolean } = {}): Type {
  return avro.Type.forSchema(schema as Schema, {
    omitRecordMethods: true,
    // Every long, bare or with a logical type such as timestamp-millis, becomes the exact one.
    typeHook: (node) =>
      node === 'long' || (typeof node === 'object' && (node as { type?: unknown }).type === 'long')
        ? EXACT_LONG
        : undefined,
    ...(options.wrapUnions ? { wrapUnions: true } : {}),
  });
}

export class SchemaCatalogue {
  private readonly byIdMap = new Map<number, CatalogueEntry>();
  private readonly bySubject = new Map<string, CatalogueEntry[]>();

  /** Throws with every problem found when ids, versions or subjects are inconsistent. */
  constructor(entries: readonly (CatalogueRecord & { schema: SchemaJson })[]) {
    const problems: string[] = [];
    for (const record of entries) {
      if (!Number.isInteger(record.id) || record.id < 1 || record.id > 0x7fffffff) {
        problems.push(`id ${record.id} (${record.file}) is not an integer in 1..2^31-1`);
        continue;
      }
      if (this.byIdMap.has(record.id)) {
        problems.push(`id ${record.id} is used twice (${this.byIdMap.get(record.id)?.file}, ${record.file})`);
        continue;
      }
      const schema = record.schema;
      const name =
        typeof schema === 'object' && !Array.isArray(schema) && schema.type === 'record'
          ? fullNameOf(schema, undefined)
          : undefined;
      if (name !== record.subject) {
        problems.push(
          `${record.file}: top-level record is ${name ?? 'not a record'}, subject is ${record.subject}`,
        );
        continue;
      }
      let type: Type;
      try {
        type = buildAvroType(schema);
      } catch (err) {
        problems.push(`${record.file}: not a valid Avro schema: ${(err as Error).message}`);
        continue;
      }
      const entry: CatalogueEntry = { ...record, schema, type };
      this.byIdMap.set(record.id, entry);
      const versions = this.bySubject.get(record.subject) ?? [];
      versions.push(entry);
      this.bySubject.set(record.subject, versions);
    }
    for (const [subject, versions] of this.bySubject) {
      versions.sort((a, b) => a.version - b.version);
      versions.forEach((entry, i) => {
        if (entry.version !== i + 1) {
          problems.push(
            `${subject}: versions must run 1, 2, 3, ... without gaps or repeats; found ${entry.version}`,
          );
        }
      });
    }
    if (problems.length > 0) throw new Error(`schema catalogue is inconsistent:\n  ${problems.join('\n  ')}`);
  }

  byId(id: number): CatalogueEntry | undefined {
    return this.byIdMap.get(id);
  }

  subjects(): string[] {
    return [...this.bySubject.keys()];
  }

  /** Released versions of a subject, oldest first. */
  versions(subject: string): readonly CatalogueEntry[] {
    return this.bySubject.get(subject) ?? [];
  }

  version(subject: string, version: number): CatalogueEntry | undefined {
    return this.versions(subject).find((e) => e.version === version);
  }

  /** The current version of a subject: what this build writes and reads into. */
  latest(subject: string): CatalogueEntry {
    const versions = this.versions(subject);
    const last = versions[versions.length - 1];
    if (!last) throw new Error(`schema catalogue has no subject ${subject}`);
    return last;
  }

  entries(): CatalogueEntry[] {
    return [...this.byIdMap.values()].sort((a, b) => a.id - b.id);
  }
}
