/**
 * Interoperability with Apache Avro's Java implementation (avro-tools, fetched by
 * scripts/avro-tools/fetch.sh, its commands run in one JVM by test/support/avro-tools.ts). avro-tools reads and writes object container files and bare binary
 * fragments, not the wire format, so the tests compare Avro bodies: Java writes data files from our
 * .avsc files and our decoder reads each record; we write bodies and Java reads them back.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import avro from 'avsc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildAvroType,
  ContractError,
  createCommentDecoder,
  createSubjectCodec,
  decodeClassifiedComment,
  decodeSlaAlert,
  defaultCodecs,
  frameWire,
  getDefaultCatalogue,
  SCHEMAS_DIR,
  SUBJECTS,
  type SubjectCodec,
} from '../../../../services/core/contracts/index.js';
import {
  catalogueOf,
  classifiedComment,
  commentEvent,
  commentEventV1,
  NOW,
  slaAlert,
} from '../../../unit/core/contracts/fixtures.js';
import { startAvroTools, type AvroTools } from '../../../support/avro-tools.js';

let avroTools: AvroTools | undefined;
let work = '';

beforeAll(() => {
  avroTools = startAvroTools();
  work = mkdtempSync(join(tmpdir(), 'otklik-avro-interop-'));
}, 300_000);

afterAll(async () => {
  await avroTools?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

function avroToolsBytes(
  ...[command, ...args]: [Parameters<AvroTools['run']>[0], ...string[]]
): Promise<Buffer> {
  return (avroTools as AvroTools).run(command, ...args);
}

async function avroToolsText(...call: Parameters<typeof avroToolsBytes>): Promise<string> {
  return (await avroToolsBytes(...call)).toString('utf8');
}

function schemaFile(subject: string): string {
  return join(SCHEMAS_DIR, getDefaultCatalogue().latest(subject).file);
}

/** Avro's JSON encoding of a value (unions tagged with the branch name), as Java reads and writes it. */
function avroJson(schema: unknown, body: Buffer): unknown {
  const tagged = buildAvroType(schema, { wrapUnions: true });
  return JSON.parse(tagged.toString(tagged.fromBuffer(body)));
}

/** Record bodies of an object container file, undecoded. */
async function containerBodies(file: string): Promise<Buffer[]> {
  const bodies: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    avro
      .createFileDecoder(file, { noDecode: true })
      .on('data', (body: Buffer) => bodies.push(body))
      .on('error', reject)
      .on('end', resolve);
  });
  return bodies;
}

const headerType = avro.Type.forSchema({
  type: 'record',
  name: 'org.apache.avro.file.Header',
  fields: [
    { name: 'magic', type: { type: 'fixed', name: 'Magic', size: 4 } },
    { name: 'meta', type: { type: 'map', values: 'bytes' } },
    { name: 'sync', type: { type: 'fixed', name: 'Sync', size: 16 } },
  ],
});
const longType = avro.Type.forSchema('long');

/** An object container file (codec null, one block) around bodies our encoder wrote. */
function writeContainer(file: string, schema: unknown, bodies: Buffer[]): void {
  const sync = randomBytes(16);
  const data = Buffer.concat(bodies);
  writeFileSync(
    file,
    Buffer.concat([
      headerType.toBuffer({
        magic: Buffer.from('Obj\x01', 'latin1'),
        meta: { 'avro.schema': Buffer.from(JSON.stringify(schema)), 'avro.codec': Buffer.from('null') },
        sync,
      }),
      longType.toBuffer(bodies.length),
      longType.toBuffer(data.length),
      data,
      sync,
    ]),
  );
}

function jsonLines(text: string): unknown[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as unknown);
}

interface Case<T> {
  subject: string;
  samples: T[];
  codec: SubjectCodec<T>;
  /** Our public decoder for this subject's topic. */
  decode: (message: Buffer) => unknown;
}

const commentDecoder = createCommentDecoder();
const cases: Case<unknown>[] = [
  {
    subject: SUBJECTS.commentEvent,
    samples: [
      commentEvent(),
      commentEvent({
        op: 'DELETED',
        platform: 'TELEGRAM',
        parent_comment_id: '7',
        municipality: null,
        url: null,
      }),
      commentEvent({ text: '', author: { id: '', kind: 'OFFICIAL' }, posted_at: NOW - 1 }),
      commentEvent({ text: 'Ёлки, «кавычки», 中文, emoji 👩‍👩‍👧 and \u0000 NUL', region: '25' }),
    ],
    codec: defaultCodecs().commentEvent as SubjectCodec<unknown>,
    decode: (message) => commentDecoder(message, {}, NOW),
  },
  {
    subject: SUBJECTS.classifiedComment,
    samples: [
      classifiedComment(),
      classifiedComment({ sla: null }),
      classifiedComment({
        classification: { ...classifiedComment().classification, evidence: [], confidence: 1e-300 },
      }),
    ],
    codec: defaultCodecs().classifiedComment as SubjectCodec<unknown>,
    decode: decodeClassifiedComment,
  },
  {
    subject: SUBJECTS.slaAlert,
    samples: [
      slaAlert(),
      slaAlert({ kind: 'ESCALATION', level: 2 ** 31 - 1, overdue_ms: Number.MAX_SAFE_INTEGER, url: 'x' }),
      slaAlert({
        kind: 'BREACH',
        overdue_ms: Number.MIN_SAFE_INTEGER,
        posted_at: 0,
        due_at: -1,
        fired_at: 1,
      }),
    ],
    codec: defaultCodecs().slaAlert as SubjectCodec<unknown>,
    decode: decodeSlaAlert,
  },
];

describe('Apache Avro (Java, avro-tools) and Otklik read each other', () => {
  for (const { subject, samples, codec, decode } of cases) {
    it(`Java writes ${subject} from our .avsc; our decoder reads every record, byte for byte`, async () => {
      const input = join(work, `${subject}.json`);
      const output = join(work, `${subject}.java.avro`);
      const schema = codec.current.schema;
      writeFileSync(
        input,
        samples.map((s) => JSON.stringify(avroJson(schema, codec.encodeBody(s)))).join('\n'),
      );
      writeFileSync(output, await avroToolsBytes('fromjson', '--schema-file', schemaFile(subject), input));
      const bodies = await containerBodies(output);
      expect(bodies).toHaveLength(samples.length);
      bodies.forEach((body, i) => {
        expect(decode(frameWire(codec.current.id, body))).toEqual(samples[i]);
        expect(body.equals(codec.encodeBody(samples[i]))).toBe(true);
      });
    });

    it(`we write ${subject} (samples and 100 random values); Java reads every record`, async () => {
      const values = [
        ...samples,
        ...Array.from({ length: 100 }, () => codec.current.type.random() as unknown),
      ];
      const bodies = values.map((v) => codec.encode(v).subarray(5));
      const file = join(work, `${subject}.ours.avro`);
      writeContainer(file, codec.current.schema, bodies);
      const read = jsonLines(await avroToolsText('tojson', file));
      expect(read).toEqual(bodies.map((b) => avroJson(codec.current.schema, b)));
    });
  }

  it('Java reads the body of one of our wire-format messages as a bare fragment', async () => {
    const codec = defaultCodecs().commentEvent;
    const file = join(work, 'fragment.bin');
    writeFileSync(file, codec.encode(commentEvent()).subarray(5));
    const read = JSON.parse(
      await avroToolsText(
        'fragtojson',
        '--no-pretty',
        '--schema-file',
        schemaFile(SUBJECTS.commentEvent),
        file,
      ),
    ) as unknown;
    expect(read).toEqual(avroJson(codec.current.schema, codec.encodeBody(commentEvent())));
  });

  it('a long beyond 2^53 written by Java is refused as MALFORMED_AVRO, not rounded', async () => {
    const codec = defaultCodecs().commentEvent;
    const line = JSON.stringify(avroJson(codec.current.schema, codec.encodeBody(commentEvent()))).replace(
      /"posted_at":\d+/,
      '"posted_at":4611686018427387904',
    );
    const input = join(work, 'huge-long.json');
    writeFileSync(input, line);
    const output = join(work, 'huge-long.avro');
    writeFileSync(
      output,
      await avroToolsBytes('fromjson', '--schema-file', schemaFile(SUBJECTS.commentEvent), input),
    );
    const [body] = await containerBodies(output);
    const error = (() => {
      try {
        commentDecoder(frameWire(codec.current.id, body!), {}, NOW);
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).code).toBe('MALFORMED_AVRO');
  });
});

describe('Java and Otklik agree on schema resolution between CommentEvent v1 and a v2', () => {
  const v2Schema = commentEventV1();
  v2Schema.fields.push({
    name: 'language',
    type: ['null', 'string'],
    default: null,
    doc: 'Test-only field.',
  });
  (v2Schema.fields.find((f) => f.name === 'platform') as { type: { symbols: string[] } }).type.symbols.push(
    'DZEN',
  );
  const catalogue = catalogueOf([
    { id: 1, version: 1, schema: commentEventV1() },
    { id: 2, version: 2, schema: v2Schema },
  ]);
  const v1 = createSubjectCodec<unknown>(catalogue, SUBJECTS.commentEvent, { readerVersion: 1 });
  const v2 = createSubjectCodec<unknown>(catalogue, SUBJECTS.commentEvent);

  async function javaReads(
    writer: SubjectCodec<unknown>,
    reader: SubjectCodec<unknown>,
    values: unknown[],
  ): Promise<unknown[]> {
    const data = join(work, `resolve-${writer.current.version}-${reader.current.version}.avro`);
    const readerFile = join(work, `reader-v${reader.current.version}.avsc`);
    writeContainer(
      data,
      writer.current.schema,
      values.map((v) => writer.encodeBody(v)),
    );
    writeFileSync(readerFile, JSON.stringify(reader.current.schema));
    return jsonLines(await avroToolsText('tojson', '--reader-schema-file', readerFile, data));
  }

  function oursReads(
    writer: SubjectCodec<unknown>,
    reader: SubjectCodec<unknown>,
    values: unknown[],
  ): unknown[] {
    return values.map((v) => {
      const decoded = reader.decode(writer.encode(v));
      return avroJson(reader.current.schema, reader.encodeBody(decoded));
    });
  }

  it('v1 data read by a v2 reader', async () => {
    const values = [commentEvent(), commentEvent({ platform: 'MAX', url: null })];
    const java = await javaReads(v1, v2, values);
    expect(java).toEqual(oursReads(v1, v2, values));
    expect(java[0]).toMatchObject({ language: null });
  });

  it('v2 data read by a v1 reader: the new field is dropped, the new symbol takes the default', async () => {
    const values = [
      { ...commentEvent(), language: 'ru', platform: 'DZEN' },
      { ...commentEvent(), language: null },
    ];
    const java = await javaReads(v2, v1, values);
    expect(java).toEqual(oursReads(v2, v1, values));
    expect(java[0]).toMatchObject({ platform: 'OTHER' });
    expect(java[0]).not.toHaveProperty('language');
  });
});
