import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { checkSchemasDir } from '../../../../services/core/contracts/check-schemas.js';
import { checkCatalogue, SCHEMAS_DIR, SchemaCatalogue } from '../../../../services/core/contracts/index.js';
import { contractSha256 } from '../../../../services/core/contracts/schema-json.js';
import { catalogueOf, commentEventV1, fieldOf } from './fixtures.js';

function problemsWithV2(change: (v2: ReturnType<typeof commentEventV1>) => void): string[] {
  const v2 = commentEventV1();
  change(v2);
  return checkCatalogue(
    catalogueOf([
      { id: 1, version: 1, schema: commentEventV1() },
      { id: 9, version: 2, schema: v2 },
    ]),
  );
}

describe('the compatibility check fails on breaking changes', () => {
  it('a removed field without default: v1 readers cannot read v2 data', () => {
    const problems = problemsWithV2((v2) => {
      v2.fields = v2.fields.filter((f) => f.name !== 'thread_id');
    });
    expect(problems.join('\n')).toMatch(/v1 cannot read v2 data: .*thread_id/);
  });

  it('a renamed enum symbol, even in an enum whose default would swallow it', () => {
    const problems = problemsWithV2((v2) => {
      const kind = (fieldOf(v2, 'author').type as { fields: { name: string; type: { symbols: string[] } }[] })
        .fields[1]!.type;
      kind.symbols = kind.symbols.map((s) => (s === 'CITIZEN' ? 'RESIDENT' : s));
    });
    expect(problems.join('\n')).toMatch(/enum otklik\.AuthorKind lost symbol\(s\) CITIZEN/);
  });

  it('a renamed symbol in an enum without default breaks resolution both ways', () => {
    const problems = problemsWithV2((v2) => {
      const op = fieldOf(v2, 'op').type as { symbols: string[] };
      op.symbols = op.symbols.map((s) => (s === 'EDITED' ? 'CHANGED' : s));
    }).join('\n');
    expect(problems).toMatch(/v2 cannot read v1 data/);
    expect(problems).toMatch(/v1 cannot read v2 data/);
    expect(problems).toMatch(/lost symbol\(s\) EDITED/);
  });

  it('a new field without default: v2 readers cannot read v1 data', () => {
    const problems = problemsWithV2((v2) => {
      v2.fields.push({ name: 'language', type: 'string', doc: 'required, so breaking' });
    });
    expect(problems.join('\n')).toMatch(/v2 cannot read v1 data: .*language/);
  });

  it('a changed field type', () => {
    const problems = problemsWithV2((v2) => {
      fieldOf(v2, 'posted_at').type = 'string';
    });
    expect(problems.join('\n')).toMatch(/cannot read/);
  });

  it('a changed enum default', () => {
    const problems = problemsWithV2((v2) => {
      (fieldOf(v2, 'platform').type as { default: string }).default = 'WEB';
    });
    expect(problems.join('\n')).toMatch(/otklik\.Platform changed its default from OTHER to WEB/);
  });

  it('checks every pair, not only neighbours: v3 must still read v1', () => {
    const v2 = commentEventV1();
    v2.fields.push({ name: 'language', type: ['null', 'string'], default: null, doc: 'optional' });
    const v3 = commentEventV1();
    v3.fields.push({ name: 'language', type: 'string', default: 'ru', doc: 'now with a string default' });
    v3.fields.push({ name: 'score', type: 'int', doc: 'required, breaks v1 and v2 data' });
    const problems = checkCatalogue(
      catalogueOf([
        { id: 1, version: 1, schema: commentEventV1() },
        { id: 2, version: 2, schema: v2 },
        { id: 3, version: 3, schema: v3 },
      ]),
    ).join('\n');
    expect(problems).toMatch(/v1 ↔ v3: v3 cannot read v1 data/);
    expect(problems).toMatch(/v2 ↔ v3: v3 cannot read v2 data/);
  });
});

describe('the catalogue keeps ids and released schemas fixed', () => {
  const tempDirs: string[] = [];
  afterEach(() => {
    for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  function copyOfSchemasDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'otklik-schemas-'));
    tempDirs.push(dir);
    cpSync(SCHEMAS_DIR, dir, { recursive: true });
    return dir;
  }

  it('refuses a reused id, a version gap, and a file whose record is not the subject', () => {
    const v1 = commentEventV1();
    const base = { subject: 'otklik.CommentEvent', sha256: contractSha256(v1), schema: v1 };
    expect(
      () =>
        new SchemaCatalogue([
          { ...base, id: 1, version: 1, file: 'a.avsc' },
          { ...base, id: 1, version: 2, file: 'b.avsc' },
        ]),
    ).toThrow(/id 1 is used twice/);
    expect(
      () =>
        new SchemaCatalogue([
          { ...base, id: 1, version: 1, file: 'a.avsc' },
          { ...base, id: 2, version: 3, file: 'b.avsc' },
        ]),
    ).toThrow(/without gaps/);
    expect(
      () => new SchemaCatalogue([{ ...base, id: 1, version: 1, file: 'a.avsc', subject: 'otklik.SlaAlert' }]),
    ).toThrow(/top-level record is otklik.CommentEvent, subject is otklik.SlaAlert/);
  });

  it('allows a released schema to change its docs, and nothing else', () => {
    const released = commentEventV1();
    const sha256 = contractSha256(released);
    const reworded = commentEventV1();
    reworded.doc = 'Reworded.';
    fieldOf(reworded, 'text').doc = 'Reworded too.';
    const retyped = commentEventV1();
    fieldOf(retyped, 'url').default = 'none';
    fieldOf(retyped, 'url').type = ['string', 'null'];
    const entry = {
      id: 1,
      subject: 'otklik.CommentEvent',
      version: 1,
      file: 'comment-event.v1.avsc',
      sha256,
    };
    expect(checkCatalogue(new SchemaCatalogue([{ ...entry, schema: reworded }]))).toEqual([]);
    expect(checkCatalogue(new SchemaCatalogue([{ ...entry, schema: retyped }])).join('\n')).toMatch(
      /changed after release/,
    );
  });

  it('tells the sha256 to record for a new line left with an empty one', () => {
    const v1 = commentEventV1();
    const entry = {
      id: 1,
      subject: 'otklik.CommentEvent',
      version: 1,
      file: 'new.avsc',
      sha256: '',
      schema: v1,
    };
    expect(checkCatalogue(new SchemaCatalogue([entry]))).toEqual([
      `new.avsc (id 1) has no sha256 in catalogue.json; at release it is "${contractSha256(v1)}"`,
    ]);
  });

  it('`npm run schemas:check` fails on a schemas folder with a breaking v2, and names the problem', () => {
    const dir = copyOfSchemasDir();
    const v2 = commentEventV1();
    v2.fields = v2.fields.filter((f) => f.name !== 'region');
    writeFileSync(join(dir, 'comment-event.v2.avsc'), JSON.stringify(v2, null, 2));
    const catalogue = JSON.parse(readFileSync(join(dir, 'catalogue.json'), 'utf8')) as {
      schemas: { id: number; [field: string]: unknown }[];
    };
    catalogue.schemas.push({
      id: Math.max(...catalogue.schemas.map((s) => s.id)) + 1,
      subject: 'otklik.CommentEvent',
      version: 2,
      file: 'comment-event.v2.avsc',
      sha256: contractSha256(v2),
    });
    writeFileSync(join(dir, 'catalogue.json'), JSON.stringify(catalogue, null, 2));
    expect(checkSchemasDir(dir).join('\n')).toMatch(/v1 cannot read v2 data: .*region/);

    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/check-schema-compat.ts', dir], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/region/);
  }, 30_000);

  it('notices a schema file that was never catalogued', () => {
    const dir = copyOfSchemasDir();
    writeFileSync(join(dir, 'comment-event.v2.avsc'), JSON.stringify(commentEventV1()));
    expect(checkSchemasDir(dir)).toEqual([
      'comment-event.v2.avsc is not in catalogue.json: release it with a new id, or remove it',
    ]);
  });
});
