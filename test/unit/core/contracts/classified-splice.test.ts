import { describe, expect, it } from 'vitest';
import {
  commentBodyOf,
  decodeClassifiedComment,
  encodeClassifiedComment,
  encodeCommentEvent,
  frameWire,
} from '../../../../services/core/contracts/index.js';
import { classifiedComment, commentEvent } from './fixtures.js';

describe('ClassifiedComment written with the input comment body copied in', () => {
  it('gives the same bytes as encoding the comment again, for texts short and long', () => {
    for (const text of ['', 'Короткий', 'Длинный текст про яму во дворе. '.repeat(3_000)]) {
      const comment = commentEvent({ text, url: text ? 'https://vk.com/wall-1_2?reply=3' : null });
      const body = commentBodyOf(encodeCommentEvent(comment));
      expect(body, 'an input in the current schema has a reusable body').toBeDefined();
      const classified = classifiedComment({ comment });
      const spliced = encodeClassifiedComment(classified, body);
      expect(spliced.equals(encodeClassifiedComment(classified))).toBe(true);
      expect(decodeClassifiedComment(spliced)).toEqual(classified);
    }
  });

  it('offers no body for other schema ids, other framings or a bare header', () => {
    const body = encodeCommentEvent(commentEvent()).subarray(5);
    expect(commentBodyOf(frameWire(2, body))).toBeUndefined();
    expect(commentBodyOf(Buffer.from('{"event_id":"x"}'))).toBeUndefined();
    expect(commentBodyOf(frameWire(1, Buffer.alloc(0)))).toBeUndefined();
  });

  it('still names the invalid field when the rest of the value is invalid', () => {
    const comment = commentEvent();
    const body = commentBodyOf(encodeCommentEvent(comment));
    const classified = classifiedComment({ comment, classified_at: 1.5 });
    expect(() => encodeClassifiedComment(classified, body)).toThrow(/classified_at/);
  });
});
