import { describe, expect, it } from 'vitest';
import {
  ContractError,
  createContractCodecs,
  getDefaultCatalogue,
  RegistrySchemas,
  SUBJECTS,
} from '../../../../services/core/contracts/index.js';
import { inlineReferences } from '../../../../services/core/contracts/schema-references.js';
import type { SchemaJson } from '../../../../services/core/contracts/schema-json.js';
import { commentEvent } from '../../../support/comments.js';
import { classifiedComment } from './fixtures.js';

const catalogue = getDefaultCatalogue();
const registered = () =>
  new RegistrySchemas(catalogue.entries().map((entry) => ({ entry, registryId: 100 + entry.id })));
const framed = (id: number, body: Buffer) => {
  const out = Buffer.alloc(5 + body.length);
  out.writeUInt32BE(id, 1);
  body.copy(out, 5);
  return out;
};

describe('RegistrySchemas: a registry as the codecs schema source', () => {
  it('writes our schemas with the registry ids, never the catalogue ids', () => {
    const codecs = createContractCodecs(registered());
    const message = codecs.commentEvent.encode(commentEvent());
    expect(message.readUInt32BE(1)).toBe(100 + catalogue.latest(SUBJECTS.commentEvent).id);
    expect(codecs.slaAlert.current.id).toBe(100 + catalogue.latest(SUBJECTS.slaAlert).id);
  });

  it('lists only the wire-format ids it has not seen, each once', () => {
    const schemas = registered();
    const values = [framed(101, Buffer.alloc(0)), framed(7, Buffer.alloc(0)), framed(7, Buffer.alloc(0))];
    expect(
      schemas.unknownIds([...values, Buffer.from('{"json":1}'), null].map((value) => ({ value }))),
    ).toEqual([7]);
  });

  it("reads a producer's newer version learned from the registry, and refuses what it cannot read", () => {
    const schemas = registered();
    const codecs = createContractCodecs(schemas);
    const v1 = catalogue.latest(SUBJECTS.commentEvent).schema as { fields: unknown[] };
    const newer = {
      ...v1,
      fields: [...v1.fields, { name: 'extra', type: ['null', 'string'], default: null }],
    };
    schemas.learn(7, JSON.stringify(newer), undefined);
    const event = commentEvent();
    const writer = schemas.byId(7)?.type;
    const message = framed(7, writer?.toBuffer({ ...event, extra: 'x' }) as Buffer);
    expect(codecs.commentEvent.decode(message)).toEqual(event);

    schemas.learn(8, '{"type":"object"}', 'JSON');
    expect(() => codecs.commentEvent.decode(framed(8, Buffer.alloc(1)))).toThrow(ContractError);
    schemas.learnMissing(9);
    expect(() => codecs.commentEvent.decode(framed(9, Buffer.alloc(1)))).toThrow(
      /not in the Schema Registry/,
    );
    // A registered schema of another record is not a CommentEvent.
    expect(() =>
      codecs.commentEvent.decode(framed(100 + catalogue.latest(SUBJECTS.slaAlert).id, Buffer.alloc(1))),
    ).toThrow(/INCOMPATIBLE|not otklik.CommentEvent|otklik.SlaAlert/);
  });
});

describe('RegistrySchemas.forReading: a reader of our topics in registry mode', () => {
  it('takes every writer schema from the registry by id and reads into the catalogue versions', () => {
    const schemas = RegistrySchemas.forReading(catalogue);
    const codecs = createContractCodecs(schemas);
    const current = catalogue.latest(SUBJECTS.classifiedComment);
    const older = catalogue.version(SUBJECTS.classifiedComment, 1);
    if (!older) return expect.fail('the catalogue has no ClassifiedComment v1');
    expect(codecs.classifiedComment.current).toBe(current);
    // Nothing registered: even the catalogue's own id is unknown until the registry says what it is.
    const value = classifiedComment();
    const { text_truncated: _dropped, ...v1Classification } = value.classification;
    const v1Body = older.type.toBuffer({ ...value, classification: v1Classification });
    // The registry's id for that older version happens to be the catalogue id of the current one.
    const message = framed(current.id, v1Body);
    expect(schemas.unknownIds([{ value: message }])).toEqual([current.id]);
    expect(() => codecs.classifiedComment.decode(message)).toThrow(/not in the schema catalogue/);
    schemas.learn(current.id, JSON.stringify(older.schema), 'AVRO');
    // Resolved from the writer's v1 (the new field takes its default), not read as if it were v2.
    expect(codecs.classifiedComment.decode(message)).toEqual({
      ...value,
      classification: { ...value.classification, text_truncated: false },
    });
  });
});

describe('inlineReferences', () => {
  it('defines each referenced type at its first use and leaves later uses as names', () => {
    const schema = {
      type: 'record',
      name: 'R',
      namespace: 'ns',
      fields: [
        { name: 'a', type: 'E' },
        { name: 'b', type: ['null', 'ns.E'] },
        { name: 'c', type: { type: 'array', items: 'ns.Inner' } },
      ],
    };
    const definitions = new Map<string, SchemaJson>([
      ['ns.E', { type: 'enum', name: 'E', namespace: 'ns', symbols: ['X'] }],
      ['ns.Inner', { type: 'record', name: 'Inner', namespace: 'ns', fields: [{ name: 'e', type: 'E' }] }],
    ]);
    const inlined = inlineReferences(schema, definitions) as { fields: { type: unknown }[] };
    expect(inlined.fields[0]?.type).toEqual(definitions.get('ns.E'));
    expect(inlined.fields[1]?.type).toEqual(['null', 'ns.E']);
    expect(inlined.fields[2]?.type).toEqual({ type: 'array', items: definitions.get('ns.Inner') });
  });
});
