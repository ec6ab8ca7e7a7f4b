/**
 * The Schema Registry wire format: one magic byte 0, the writer schema's id as a 4-byte big-endian
 * integer, then the Avro binary body. The same framing Confluent's and Apicurio's serializers use.
 */
import { ContractError } from './errors.js';

export const MAGIC_BYTE = 0;
export const WIRE_HEADER_BYTES = 5;

export function frameWire(schemaId: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(WIRE_HEADER_BYTES + body.length);
  out.writeUInt8(MAGIC_BYTE, 0);
  out.writeUInt32BE(schemaId, 1);
  body.copy(out, WIRE_HEADER_BYTES);
  return out;
}

export interface WireFrame {
  schemaId: number;
  body: Buffer;
}

/** Splits a message into its schema id and body; throws BAD_MAGIC_BYTE or TRUNCATED_AVRO. */
export function unframeWire(value: Buffer): WireFrame {
  const first = value[0];
  if (first !== MAGIC_BYTE) {
    const hex = first === undefined ? 'nothing' : `0x${first.toString(16).padStart(2, '0')}`;
    throw new ContractError(
      'BAD_MAGIC_BYTE',
      `first byte is ${hex}, not 0x00: not the Schema Registry wire format (JSON needs content-type application/json)`,
    );
  }
  if (value.length < WIRE_HEADER_BYTES) {
    throw new ContractError(
      'TRUNCATED_AVRO',
      `${value.length} bytes: shorter than the 5-byte wire header (magic byte and schema id)`,
    );
  }
  return { schemaId: value.readUInt32BE(1), body: value.subarray(WIRE_HEADER_BYTES) };
}
