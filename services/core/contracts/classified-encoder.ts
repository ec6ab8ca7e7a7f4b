/**
 * Writes a ClassifiedComment reusing the Avro body of the comment it was read from. An Avro record is
 * its fields' encodings one after the other, so when the input message was written with the same
 * CommentEvent schema that ClassifiedComment embeds, its body is a valid encoding of the `comment`
 * field as it stands: copied, not encoded again (the text is most of a comment's bytes).
 */
import type { types } from 'avsc';
import type { SubjectCodec } from './codec.js';
import type { ClassifiedComment, CommentEvent } from './schema-types.generated.js';
import { MAGIC_BYTE, WIRE_HEADER_BYTES } from './wire.js';

export interface ClassifiedEncoder {
  /**
   * `commentBody`: the Avro body of the message `classified.comment` was decoded from, when it was
   * decoded with no schema resolution (see `commentBodyOf`); without it the comment is encoded as usual.
   */
  encode(classified: ClassifiedComment, commentBody?: Buffer): Buffer;
  /** The body of a comments-topic message written with the current CommentEvent schema, else undefined. */
  commentBodyOf(message: Buffer): Buffer | undefined;
}

export function createClassifiedEncoder(
  comments: SubjectCodec<CommentEvent>,
  classified: SubjectCodec<ClassifiedComment>,
): ClassifiedEncoder {
  const record = classified.current.type as types.RecordType;
  const commentField = record.fields.find((f) => f.name === 'comment');
  // Same canonical schema means the same binary encoding.
  const spliceable = commentField !== undefined && commentField.type.equals(comments.current.type);
  const commentSchemaId = comments.current.id;
  const fields = record.fields.map((f) => ({ name: f.name, type: f.type, isComment: f === commentField }));
  let scratch = Buffer.allocUnsafeSlow(64 * 1024);

  /** Writes the framed message into scratch; returns its end, or minus the bytes missing. */
  function writeSpliced(value: ClassifiedComment, commentBody: Buffer): number {
    scratch[0] = MAGIC_BYTE;
    scratch.writeUInt32BE(classified.current.id, 1);
    let pos = WIRE_HEADER_BYTES;
    for (const field of fields) {
      if (field.isComment) {
        if (pos + commentBody.length > scratch.length) return scratch.length - pos - commentBody.length;
        commentBody.copy(scratch, pos);
        pos += commentBody.length;
        continue;
      }
      pos = field.type.encode((value as unknown as Record<string, unknown>)[field.name], scratch, pos);
      if (pos < 0) return pos;
    }
    return pos;
  }

  return {
    encode(value, commentBody) {
      if (!spliceable || commentBody === undefined) return classified.encode(value);
      for (;;) {
        let end: number;
        try {
          end = writeSpliced(value, commentBody);
        } catch {
          // An invalid value: the ordinary encoder reports which field.
          return classified.encode(value);
        }
        if (end >= 0) {
          const out = Buffer.allocUnsafe(end);
          scratch.copy(out, 0, 0, end);
          return out;
        }
        scratch = Buffer.allocUnsafeSlow(Math.max(2 * scratch.length, scratch.length - end));
      }
    },
    commentBodyOf(message) {
      if (!spliceable || message.length <= WIRE_HEADER_BYTES || message[0] !== MAGIC_BYTE) return undefined;
      return message.readUInt32BE(1) === commentSchemaId ? message.subarray(WIRE_HEADER_BYTES) : undefined;
    },
  };
}
