/**
 * Kafka headers as kafkajs hands them over (IHeaders): a value may be a Buffer, a string, or an array of
 * them when the header is repeated. As in Kafka's Java client (lastHeader), the last value wins.
 */
import { ContractError } from './errors.js';

export type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;
export type IncomingHeaders = Record<string, HeaderValue>;

export const CONTENT_TYPE_HEADER = 'content-type';
export const JSON_CONTENT_TYPE = 'application/json';
/** Media types taken to mean the wire format. No content-type header at all means the same. */
export const AVRO_CONTENT_TYPES = [
  'application/vnd.apache.avro+binary',
  'application/avro',
  'avro/binary',
  'application/octet-stream',
] as const;

export function headerText(value: HeaderValue): string | undefined {
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  if (last === undefined) return undefined;
  return typeof last === 'string' ? last : last.toString('utf8');
}

/** Looks a header up by name, ignoring case (producers write both content-type and Content-Type). */
export function findHeader(headers: IncomingHeaders | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const exact = headers[name];
  if (exact !== undefined) return headerText(exact);
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === lower && value !== undefined) return headerText(value);
  }
  return undefined;
}

export type InputFormat = 'avro' | 'json';

/** Which decoder a message needs, from its content-type header; throws UNSUPPORTED_CONTENT_TYPE. */
export function inputFormatOf(headers: IncomingHeaders | undefined): InputFormat {
  const raw = findHeader(headers, CONTENT_TYPE_HEADER)?.trim();
  if (!raw) return 'avro';
  const [mediaType = '', ...params] = raw.split(';').map((part) => part.trim().toLowerCase());
  if ((AVRO_CONTENT_TYPES as readonly string[]).includes(mediaType)) return 'avro';
  if (mediaType === JSON_CONTENT_TYPE) {
    const charset = params
      .find((p) => p.startsWith('charset='))
      ?.slice('charset='.length)
      .replace(/"/g, '');
    if (charset === undefined || charset === 'utf-8' || charset === 'utf8') return 'json';
    throw new ContractError(
      'UNSUPPORTED_CONTENT_TYPE',
      `JSON must be UTF-8; content-type says charset=${charset}`,
    );
  }
  throw new ContractError(
    'UNSUPPORTED_CONTENT_TYPE',
    `content-type ${JSON.stringify(raw.slice(0, 100))} is neither ${JSON_CONTENT_TYPE} nor Avro (${AVRO_CONTENT_TYPES.join(', ')})`,
  );
}
