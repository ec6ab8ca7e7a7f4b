import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import {
  SCHEMAS_DIR,
  decodeCommentEvent,
  encodeCommentEvent,
  unframeWire,
} from '../../../../services/core/contracts/index.js';
import { createCommentFactory } from '../../../../tools/harness/comment-texts.js';
import {
  asProducerVersion,
  producerVersion,
  withRegistryId,
  withRegistryIds,
} from '../../../../tools/harness/workload/registry-ids.js';

const factory = createCommentFactory('registry-ids', 3);
const value = encodeCommentEvent(factory.comment(Date.UTC(2026, 0, 1)));
const catalogueId = value.readUInt32BE(1);

describe('withRegistryId', () => {
  it("frames the same body with the registry's id, leaving the original untouched", () => {
    const rewritten = withRegistryId(value, new Map([[catalogueId, 70_000]]));
    expect(rewritten.readUInt32BE(1)).toBe(70_000);
    expect(unframeWire(rewritten).body.equals(unframeWire(value).body)).toBe(true);
    expect(value.readUInt32BE(1)).toBe(catalogueId);
    const [message] = withRegistryIds([{ key: 'k', value }], new Map([[catalogueId, 5]]));
    expect(message?.value.readUInt32BE(1)).toBe(5);
  });

  it('refuses an id it has no mapping for, and bytes that are not wire format', () => {
    expect(() => withRegistryId(value, new Map([[catalogueId + 1, 5]]))).toThrow(/no registry id/);
    expect(() => withRegistryId(Buffer.from('plain text'), new Map())).toThrow(/not a wire-format/);
  });
});

describe('asProducerVersion', () => {
  it("is what Avro writes for the producer's version with its added fields null", () => {
    const ours = JSON.parse(readFileSync(join(SCHEMAS_DIR, 'comment-event.v1.avsc'), 'utf8')) as {
      fields: unknown[];
    };
    const type = avro.Type.forSchema(producerVersion(ours, 3) as avro.Schema);
    const framed = asProducerVersion(value, 42, 3);
    expect(framed.readUInt32BE(1)).toBe(42);
    const decoded = type.fromBuffer(unframeWire(framed).body) as Record<string, unknown>;
    expect(decoded).toMatchObject({
      event_id: decodeCommentEvent(value).event_id,
      producer_field_1: null,
      producer_field_3: null,
    });
    expect(type.toBuffer(decoded).equals(unframeWire(framed).body)).toBe(true);
  });
});
