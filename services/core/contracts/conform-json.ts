/**
 * Checks a parsed JSON value against an Avro schema and returns it in the shape the Avro decoder would
 * produce: the rules of docs/contracts.md "JSON input". A field with a default may be left out; a field
 * without one may not; unknown fields are refused (a misspelt optional field would otherwise vanish);
 * numbers must fit the Avro type exactly; an unknown enum symbol takes the enum's default, as Avro
 * resolution would, or is refused when there is none. Nullable fields take plain values or null, not
 * Avro's JSON encoding of unions ({"string": "..."}).
 */
import type { Type, types } from 'avsc';
import { ContractError } from './errors.js';

function fieldPath(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a fractional number';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function violation(path: string, expected: string, value: unknown): ContractError {
  return new ContractError(
    'SCHEMA_VIOLATION',
    `${path || 'value'}: expected ${expected}, got ${jsonKind(value)}`,
    path || undefined,
  );
}

/** A short, printable rendering of a symbol for error messages (it is not comment text, but bound it). */
function quoteSymbol(symbol: string): string {
  const clipped = symbol.length > 40 ? `${symbol.slice(0, 40)}…` : symbol;
  return JSON.stringify(clipped);
}

function acceptsNull(type: Type): boolean {
  if (type.typeName === 'null') return true;
  const branches = (type as types.UnwrappedUnionType).types;
  return Array.isArray(branches) && branches.some((b) => b.typeName === 'null');
}

/** String.prototype.isWellFormed is in Node 20 but not in the ES2023 lib the project compiles against. */
function isWellFormed(value: string): boolean {
  return (value as unknown as { isWellFormed(): boolean }).isWellFormed();
}

const PRIMITIVE_EXPECTATIONS: Record<string, string> = {
  null: 'null',
  boolean: 'a boolean',
  int: 'a 32-bit integer',
  long: 'an integer within ±9007199254740991 (2^53 - 1)',
  'abstract:long': 'an integer within ±9007199254740991 (2^53 - 1)',
  float: 'a number',
  double: 'a number',
};

export function conformJson(type: Type, value: unknown, path = ''): unknown {
  switch (type.typeName) {
    case 'record':
    case 'error':
      return conformRecord(type as types.RecordType, value, path);
    case 'enum': {
      if (typeof value !== 'string') throw violation(path, 'an enum symbol (a string)', value);
      const enumType = type as types.EnumType & { default?: string };
      if (enumType.symbols.includes(value)) return value;
      if (enumType.default !== undefined) return enumType.default;
      throw new ContractError(
        'UNKNOWN_ENUM',
        `${path || 'value'}: ${quoteSymbol(value)} is not one of ${enumType.symbols.join(', ')} and ${type.name} has no default`,
        path || undefined,
      );
    }
    case 'union:unwrapped':
      return conformUnion(type as types.UnwrappedUnionType, value, path);
    case 'array': {
      if (!Array.isArray(value)) throw violation(path, 'an array', value);
      const items = (type as types.ArrayType).itemsType as Type;
      return value.map((item, i) => conformJson(items, item, `${path}[${i}]`));
    }
    case 'map': {
      if (!isPlainObject(value)) throw violation(path, 'an object (map)', value);
      const values = (type as types.MapType).valuesType as Type;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = conformJson(values, v, fieldPath(path, k));
      return out;
    }
    case 'string':
      if (typeof value !== 'string') throw violation(path, 'a string', value);
      if (!isWellFormed(value))
        throw violation(path, 'well-formed Unicode', 'a string with a lone surrogate');
      return value;
    default: {
      const expected = PRIMITIVE_EXPECTATIONS[type.typeName];
      if (expected === undefined) {
        throw new ContractError(
          'SCHEMA_VIOLATION',
          `${path || 'value'}: ${type.typeName} values cannot be sent as JSON`,
          path || undefined,
        );
      }
      if (!type.isValid(value)) throw violation(path, expected, value);
      return value;
    }
  }
}

function conformRecord(type: types.RecordType, value: unknown, path: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw violation(path, `an object (${type.name})`, value);
  const names = new Set(type.fields.map((f) => f.name));
  for (const key of Object.keys(value)) {
    if (!names.has(key)) {
      throw new ContractError(
        'SCHEMA_VIOLATION',
        `${fieldPath(path, key)}: unknown field (not in ${type.name})`,
        fieldPath(path, key),
      );
    }
  }
  const out: Record<string, unknown> = {};
  for (const field of type.fields) {
    const p = fieldPath(path, field.name);
    const v = value[field.name];
    if (v === undefined) {
      const fallback: unknown = field.defaultValue();
      if (fallback === undefined)
        throw new ContractError('MISSING_FIELD', `${p}: required field is missing`, p);
      out[field.name] = fallback;
    } else if (v === null && !acceptsNull(field.type)) {
      throw new ContractError('MISSING_FIELD', `${p}: required field is null`, p);
    } else {
      out[field.name] = conformJson(field.type, v, p);
    }
  }
  return out;
}

function conformUnion(type: types.UnwrappedUnionType, value: unknown, path: string): unknown {
  if (value === null) {
    if (acceptsNull(type)) return null;
    throw violation(path, 'a non-null value', value);
  }
  const branches = type.types.filter((b) => b.typeName !== 'null');
  const only = branches.length === 1 ? branches[0] : undefined;
  if (only) return conformJson(only, value, path);
  for (const branch of branches) {
    try {
      return conformJson(branch, value, path);
    } catch (err) {
      if (!(err instanceof ContractError)) throw err;
    }
  }
  throw violation(path, `one of ${branches.map((b) => b.branchName ?? b.typeName).join(', ')}`, value);
}
