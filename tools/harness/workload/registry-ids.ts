/**
 * A workload as a registry-aware producer would write it: the same Avro bodies, framed with the ids the
 * Schema Registry assigned instead of the carried catalogue's (bytes 1-4 of the wire header).
 */
import { MAGIC_BYTE, WIRE_HEADER_BYTES } from '../../../services/core/contracts/index.js';
import type { WorkloadMessage } from './pieces.js';

/** A copy of `value` with its wire header's schema id replaced through `ids` (catalogue id -> registry id). */
export function withRegistryId(value: Buffer, ids: ReadonlyMap<number, number>): Buffer {
  if (value.length < WIRE_HEADER_BYTES || value[0] !== MAGIC_BYTE)
    throw new Error('not a wire-format message: no schema id to rewrite');
  const from = value.readUInt32BE(1);
  const to = ids.get(from);
  if (to === undefined) throw new Error(`no registry id for catalogue id ${from}`);
  const copy = Buffer.from(value);
  copy.writeUInt32BE(to, 1);
  return copy;
}

export function withRegistryIds<M extends WorkloadMessage>(
  messages: readonly M[],
  ids: ReadonlyMap<number, number>,
): M[] {
  return messages.map((m) => ({ ...m, value: withRegistryId(m.value, ids) }));
}

/**
 * A producer team's own version of our CommentEvent schema: `schema` with `added` optional string
 * fields (null by default) at the end, one BACKWARD-compatible step each.
 */
export function producerVersion<S extends { fields: readonly unknown[] }>(schema: S, added: number): S {
  const fields = Array.from({ length: added }, (_, i) => ({
    name: `producer_field_${i + 1}`,
    type: ['null', 'string'],
    default: null,
  }));
  return { ...schema, fields: [...schema.fields, ...fields] };
}

/**
 * `value` (a CommentEvent in the wire format) as that producer writes it under `registryId`: an Avro
 * record is its fields in order, and a null in a ["null", "string"] union is the branch index 0, one
 * zero byte, so the added fields set to null append `added` zero bytes to the body.
 */
export function asProducerVersion(value: Buffer, registryId: number, added: number): Buffer {
  if (value.length < WIRE_HEADER_BYTES || value[0] !== MAGIC_BYTE)
    throw new Error('not a wire-format message: no schema id to rewrite');
  const framed = Buffer.alloc(value.length + added);
  value.copy(framed);
  framed.writeUInt32BE(registryId, 1);
  return framed;
}
