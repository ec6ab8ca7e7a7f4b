import { describe, expect, it } from 'vitest';
import {
  createCommentDecoder,
  createSubjectCodec,
  decodeClassifiedComment,
  encodeCommentEvent,
  getDefaultCatalogue,
  SUBJECTS,
  unframeWire,
  type ClassifiedComment,
} from '../../../../services/core/contracts/index.js';
import { parsePolicyConfig } from '../../../../services/core/sla/policy.js';
import { prepareBatch } from '../../../../services/roles/worker/prepare-batch.js';
import { classifiedComment, commentEvent, NOW } from '../../core/contracts/fixtures.js';

const text = 'Во дворе не вывозят мусор. '.repeat(80); // about 3.7 KB of UTF-8

function classificationOf(classifierMaxTextBytes: number | undefined) {
  const value = encodeCommentEvent(commentEvent({ text }));
  const prepared = prepareBatch([{ key: null, value, offset: '0' }], {
    topic: 'comments',
    partition: 0,
    decode: createCommentDecoder(),
    policies: parsePolicyConfig({}),
    plan: { shards: 4, excerptChars: 60 },
    classifierMaxTextBytes,
    nowMs: NOW,
  });
  const out = prepared.classified[0]?.value as Buffer;
  return { wireId: unframeWire(out).schemaId, classification: decodeClassifiedComment(out).classification };
}

describe('the worker and the classifier limit', () => {
  it('classifies on the configured number of bytes and publishes the flag', () => {
    const limited = classificationOf(1024);
    expect(limited.classification.text_truncated).toBe(true);
    expect(limited.wireId).toBe(getDefaultCatalogue().latest(SUBJECTS.classifiedComment).id);
    expect(classificationOf(undefined).classification.text_truncated).toBe(false);
  });

  it('reads ClassifiedComment v1 data with the flag at its default, false', () => {
    const v1 = createSubjectCodec<Omit<ClassifiedComment, 'classification'> & { classification: object }>(
      getDefaultCatalogue(),
      SUBJECTS.classifiedComment,
      { readerVersion: 1 },
    );
    const { text_truncated: _, ...classification } = classifiedComment().classification;
    const old = v1.encode({ ...classifiedComment(), classification });
    expect(decodeClassifiedComment(old).classification.text_truncated).toBe(false);
  });
});
