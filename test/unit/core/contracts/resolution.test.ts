import { describe, expect, it } from 'vitest';
import {
  checkCatalogue,
  ContractError,
  createCommentDecoderWith,
  createSubjectCodec,
  SUBJECTS,
  type CommentEvent,
  type SubjectCodec,
} from '../../../../services/core/contracts/index.js';
import { catalogueOf, commentEvent, commentEventV1, fieldOf, NOW } from './fixtures.js';

/** A CommentEvent v2 made up for the test: a new optional field and a new platform. Not released. */
function commentEventV2() {
  const v2 = commentEventV1();
  v2.fields.push({
    name: 'language',
    type: ['null', 'string'],
    default: null,
    doc: 'ISO 639-1 language of the text, when the producer knows it.',
  });
  const platform = fieldOf(v2, 'platform').type as { symbols: string[] };
  platform.symbols.push('DZEN');
  return v2;
}

type CommentEventV2 = Omit<CommentEvent, 'platform'> & {
  language: string | null;
  platform: CommentEvent['platform'] | 'DZEN';
};

describe('schema resolution between CommentEvent v1 and a v2 with a new optional field', () => {
  const catalogue = catalogueOf([
    { id: 1, version: 1, schema: commentEventV1() },
    { id: 4, version: 2, schema: commentEventV2() },
  ]);
  const v1 = createSubjectCodec<CommentEvent>(catalogue, SUBJECTS.commentEvent, { readerVersion: 1 });
  const v2 = createSubjectCodec<CommentEventV2>(catalogue, SUBJECTS.commentEvent);

  it('passes the compatibility check', () => {
    expect(checkCatalogue(catalogue)).toEqual([]);
  });

  it('a v2 reader reads v1 data: the new field takes its default', () => {
    const message = v1.encode(commentEvent());
    expect(message.readUInt32BE(1)).toBe(1);
    expect(v2.decode(message)).toEqual({ ...commentEvent(), language: null });
  });

  it('a v1 reader reads v2 data: the new field is skipped, the new platform falls back to OTHER', () => {
    const message = v2.encode({ ...commentEvent(), language: 'ru', platform: 'DZEN' });
    expect(message.readUInt32BE(1)).toBe(4);
    expect(v1.decode(message)).toEqual({ ...commentEvent(), platform: 'OTHER' });
  });

  it('the input decoder built on either version accepts the other version and JSON', () => {
    const decodeV1 = createCommentDecoderWith(v1);
    const decodeV2 = createCommentDecoderWith(v2 as unknown as SubjectCodec<CommentEvent>);
    expect(decodeV1(v2.encode({ ...commentEvent(), language: 'ru' }), {}, NOW)).toEqual(commentEvent());
    expect(decodeV2(v1.encode(commentEvent()), {}, NOW)).toEqual({ ...commentEvent(), language: null });
    const json = Buffer.from(JSON.stringify(commentEvent()));
    expect(decodeV2(json, { 'content-type': 'application/json' }, NOW)).toEqual({
      ...commentEvent(),
      language: null,
    });
  });
});

describe('a writer enum symbol the reader lacks, in an enum without default', () => {
  const v2 = commentEventV1();
  (fieldOf(v2, 'op').type as { symbols: string[] }).symbols.push('RESTORED');
  const catalogue = catalogueOf([
    { id: 1, version: 1, schema: commentEventV1() },
    { id: 5, version: 2, schema: v2 },
  ]);
  const readerV1 = createSubjectCodec<CommentEvent>(catalogue, SUBJECTS.commentEvent, { readerVersion: 1 });
  const writerV2 = createSubjectCodec<CommentEvent | { op: 'RESTORED' }>(catalogue, SUBJECTS.commentEvent);

  it('is a breaking change for the compatibility check', () => {
    expect(checkCatalogue(catalogue).join('\n')).toMatch(/v1 cannot read v2 data/);
  });

  it('fails only the messages that carry it (UNKNOWN_ENUM); the others from the same writer are read', () => {
    expect(readerV1.decode(writerV2.encode(commentEvent({ op: 'EDITED' })))).toEqual(
      commentEvent({ op: 'EDITED' }),
    );
    const restored = writerV2.encode({ ...commentEvent(), op: 'RESTORED' });
    const error = (() => {
      try {
        readerV1.decode(restored);
      } catch (err) {
        return err as ContractError;
      }
      throw new Error('decoded a symbol the reader does not know');
    })();
    expect(error).toBeInstanceOf(ContractError);
    expect(error.code).toBe('UNKNOWN_ENUM');
    expect(error.field).toBe('op');
  });
});
