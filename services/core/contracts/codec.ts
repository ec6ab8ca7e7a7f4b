/**
 * One subject's codec: writes the current schema in the wire format, and reads any version its schema
 * source knows (the carried catalogue or a registry) into the current one by Avro schema resolution.
 * Resolvers are built once per writer schema id.
 */
import type { Type, types } from 'avsc';
import { buildAvroType, type CatalogueEntry } from './catalogue.js';
import { conformJson } from './conform-json.js';
import { ContractEncodeError, ContractError } from './errors.js';
import type { SchemaSource } from './schema-source.js';
import { collectNamedTypes, withEnumFallback } from './schema-json.js';
import { MAGIC_BYTE, unframeWire, WIRE_HEADER_BYTES } from './wire.js';

/**
 * Stands in, inside the resolving reader, for a writer's enum symbol that the reader lacks when the
 * enum has no default. Avro would refuse the whole writer schema; we refuse only the messages that
 * carry such a symbol (UNKNOWN_ENUM) and read the others.
 */
type Resolver = ReturnType<Type['createResolver']>;

const UNKNOWN_SYMBOL = '__otklik_unknown_symbol__';

export interface SubjectCodec<T> {
  readonly subject: string;
  /** The schema this codec writes with and reads into. */
  readonly current: CatalogueEntry;
  /** Wire format: magic byte, the current schema id, Avro body. */
  encode(value: T): Buffer;
  /** The bare Avro body, for tools that frame data their own way (container files, fragments). */
  encodeBody(value: T): Buffer;
  /** Reads a wire-format message written with any catalogued version of the subject. */
  decode(message: Buffer): T;
  decodeBody(schemaId: number, body: Buffer): T;
  /** Applies the JSON input rules (docs/contracts.md) to a parsed JSON value. */
  fromJson(value: unknown): T;
}

export interface SubjectCodecOptions {
  /** Read into this released version instead of the latest (tests of older readers). */
  readerVersion?: number;
}

export function createSubjectCodec<T>(
  catalogue: SchemaSource,
  subject: string,
  options: SubjectCodecOptions = {},
): SubjectCodec<T> {
  const current = readerEntry(catalogue, subject, options.readerVersion);
  const readerType = current.type;
  const defaultlessEnums = [...collectNamedTypes(current.schema).values()].filter(
    (t) => t.type === 'enum' && t.default === undefined,
  );
  const resolvingType = defaultlessEnums.length
    ? buildAvroType(withEnumFallback(current.schema, UNKNOWN_SYMBOL))
    : readerType;
  const resolvers = new Map<number, Resolver | ContractError>();

  function resolverFor(writer: CatalogueEntry): Resolver {
    let resolver = resolvers.get(writer.id);
    if (resolver === undefined) {
      try {
        resolver = resolvingType.createResolver(writer.type);
      } catch (err) {
        resolver = new ContractError(
          'INCOMPATIBLE_SCHEMA',
          `schema id ${writer.id} (${subject} v${writer.version}) cannot be resolved to v${current.version}: ${(err as Error).message}`,
        );
      }
      resolvers.set(writer.id, resolver);
    }
    if (resolver instanceof ContractError) throw resolver;
    return resolver;
  }

  function decodeBody(schemaId: number, body: Buffer): T {
    const writer = catalogue.byId(schemaId);
    if (!writer)
      throw new ContractError('UNKNOWN_SCHEMA_ID', `schema id ${schemaId} is not in the schema catalogue`);
    if (writer.subject !== subject) {
      throw new ContractError(
        'INCOMPATIBLE_SCHEMA',
        `schema id ${schemaId} is ${writer.subject} v${writer.version}, not ${subject}`,
      );
    }
    // The same entry, not the same id: a reader over a registry (RegistrySchemas.forReading) reads into
    // catalogue versions whose ids may name other schemas in the registry.
    if (writer === current) return readAvro(readerType, body, undefined, schemaId) as T;
    const value = readAvro(resolvingType, body, resolverFor(writer), schemaId);
    if (resolvingType !== readerType) assertKnownSymbols(resolvingType, value, '', writer);
    return value as T;
  }

  function encodeError(value: T, err: unknown): ContractEncodeError {
    const paths: string[] = [];
    readerType.isValid(value, { errorHook: (path) => paths.push(path.join('.') || '(root)') });
    return new ContractEncodeError(
      `cannot encode ${subject} v${current.version}: invalid ${paths.length ? paths.join(', ') : (err as Error).message}`,
    );
  }

  function encodeBody(value: T): Buffer {
    try {
      return readerType.toBuffer(value);
    } catch (err) {
      throw encodeError(value, err);
    }
  }

  /**
   * Header and body written straight into one scratch buffer and copied out once (avsc's toBuffer
   * writes into a 1 KB buffer, writes a larger value a second time, and framing copied it again).
   */
  let scratch = Buffer.allocUnsafeSlow(64 * 1024);
  function encode(value: T): Buffer {
    for (;;) {
      scratch[0] = MAGIC_BYTE;
      scratch.writeUInt32BE(current.id, 1);
      let end: number;
      try {
        end = readerType.encode(value, scratch, WIRE_HEADER_BYTES);
      } catch (err) {
        throw encodeError(value, err);
      }
      if (end >= 0) {
        const out = Buffer.allocUnsafe(end);
        scratch.copy(out, 0, 0, end);
        return out;
      }
      // A negative end is the number of bytes missing.
      scratch = Buffer.allocUnsafeSlow(Math.max(2 * scratch.length, scratch.length - end));
    }
  }

  return {
    subject,
    current,
    encode,
    encodeBody,
    decode(message) {
      const { schemaId, body } = unframeWire(message);
      return decodeBody(schemaId, body);
    },
    decodeBody,
    fromJson: (value) => conformJson(readerType, value) as T,
  };
}

function readerEntry(catalogue: SchemaSource, subject: string, version: number | undefined): CatalogueEntry {
  if (version === undefined) return catalogue.latest(subject);
  const entry = catalogue.version(subject, version);
  if (!entry) throw new Error(`schema catalogue has no ${subject} v${version}`);
  return entry;
}

function readAvro(type: Type, body: Buffer, resolver: Resolver | undefined, schemaId: number): unknown {
  try {
    return type.fromBuffer(body, resolver);
  } catch (err) {
    const reason = (err as Error).message;
    if (reason === 'truncated buffer') {
      throw new ContractError(
        'TRUNCATED_AVRO',
        `Avro body (${body.length} bytes) ends early for schema id ${schemaId}`,
      );
    }
    throw new ContractError(
      'MALFORMED_AVRO',
      `Avro body cannot be decoded with schema id ${schemaId}: ${reason}`,
    );
  }
}

/** Finds a fallback symbol left by the resolving reader and reports it as the writer's unknown symbol. */
function assertKnownSymbols(type: Type, value: unknown, path: string, writer: CatalogueEntry): void {
  switch (type.typeName) {
    case 'record':
    case 'error':
      for (const field of (type as types.RecordType).fields) {
        const p = path ? `${path}.${field.name}` : field.name;
        assertKnownSymbols(field.type, (value as Record<string, unknown>)[field.name], p, writer);
      }
      return;
    case 'enum':
      if (value === UNKNOWN_SYMBOL) {
        const known = (type as types.EnumType).symbols.filter((s) => s !== UNKNOWN_SYMBOL);
        throw new ContractError(
          'UNKNOWN_ENUM',
          `${path}: schema id ${writer.id} wrote a ${type.name} symbol that is not one of ${known.join(', ')}, and the enum has no default`,
          path,
        );
      }
      return;
    case 'union:unwrapped': {
      const branch = (type as types.UnwrappedUnionType).types.find(
        (b) => b.typeName !== 'null' && b.isValid(value),
      );
      if (branch) assertKnownSymbols(branch, value, path, writer);
      return;
    }
    case 'array':
      (value as unknown[]).forEach((v, i) =>
        assertKnownSymbols((type as types.ArrayType).itemsType, v, `${path}[${i}]`, writer),
      );
      return;
    case 'map':
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        assertKnownSymbols((type as types.MapType).valuesType as Type, v, `${path}.${k}`, writer);
      }
      return;
    default:
      return;
  }
}
