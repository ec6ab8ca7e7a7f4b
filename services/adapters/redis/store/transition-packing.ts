import { SLA_OUTCOMES, type SlaCommand } from '../../../core/sla/commands.js';
import { encodeRecordBody } from '../record/record.js';
import { dimensionPosition } from '../counter-positions.js';
import { recordBucketOf } from '../keys.js';
import { SlaStoreError } from '../sla-status.js';

/**
 * The wire form of apply_batch.lua's transitions: one byte string per call instead of a dozen script
 * arguments per transition. A Redis client spends most of a pipelined call on arguments (each one
 * sized, framed and copied), and Redis turns each into a Lua string; one packed argument costs both
 * sides a fraction of that. Lua reads it with `struct.unpack` (apply_batch.lua's header has the layout).
 *
 * Each transition is its op letter, then its fields, each a 16-bit big-endian byte length and the bytes.
 */
const FIELD_MAX_BYTES = 0xffff;

class PackedWriter {
  private buffer: Buffer;
  private offset = 0;

  constructor(capacity: number) {
    this.buffer = Buffer.allocUnsafe(capacity);
  }

  private reserve(bytes: number): void {
    if (this.offset + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.offset + bytes));
    this.buffer.copy(grown, 0, 0, this.offset);
    this.buffer = grown;
  }

  op(letter: number): void {
    this.reserve(1);
    this.buffer[this.offset++] = letter;
  }

  text(value: string): void {
    // UTF-8 takes at most three bytes per UTF-16 unit.
    this.reserve(2 + value.length * 3);
    const length = this.buffer.write(value, this.offset + 2, 'utf8');
    if (length > FIELD_MAX_BYTES) throw new RangeError(`transition field of ${length} bytes`);
    this.buffer.writeUInt16BE(length, this.offset);
    this.offset += 2 + length;
  }

  /** A bare 16-bit big-endian number (no length). */
  u16(value: number): void {
    this.reserve(2);
    this.buffer.writeUInt16BE(value, this.offset);
    this.offset += 2;
  }

  bytes(value: Uint8Array): void {
    if (value.length > FIELD_MAX_BYTES) throw new RangeError(`transition field of ${value.length} bytes`);
    this.reserve(2 + value.length);
    this.buffer.writeUInt16BE(value.length, this.offset);
    this.buffer.set(value, this.offset + 2);
    this.offset += 2 + value.length;
  }

  finish(): Buffer {
    return this.buffer.subarray(0, this.offset);
  }
}

const OP_OPEN = 0x6f; // 'o'
const OP_ANSWER = 0x61; // 'a'
const OP_CANCEL = 0x63; // 'c'
const OP_NOT_ACTIONABLE = 0x6e; // 'n'

/** An open's counter position field when its dimension has none (apply_batch.lua NO_POSITION). */
export const NO_DIM_POSITION = 0xffff;

const dimOf = (c: { region: string; category: string; priority: string }): string =>
  `${c.region}|${c.category}|${c.priority}`;

/**
 * Packs transitions of one shard, in their order, into apply_batch.lua's transitions argument.
 * `bucketOf`: the record bucket of a comment key; `layout`: 'v1' for the previous layout's scripts
 * (kept as test fixtures: 1,024 buckets, and an open without its counter position).
 */
export function packTransitions(
  commands: readonly SlaCommand[],
  bucketOf: (commentKey: string) => number = recordBucketOf,
  layout: 'v1' | 'v2' = 'v2',
): Buffer {
  const writer = new PackedWriter(commands.length * 160 + 64);
  for (const command of commands) {
    const key = command.commentKey;
    switch (command.kind) {
      case 'open':
        writer.op(OP_OPEN);
        writer.text(key);
        writer.text(String(bucketOf(key)));
        writer.text(dimOf(command));
        // The script counts by position: sent so that it never matches the dimension's text.
        if (layout === 'v2') {
          writer.u16(
            dimensionPosition(command.region, command.category, command.priority) ?? NO_DIM_POSITION,
          );
        }
        writer.text(String(Math.floor(command.warnAt)));
        writer.text(String(Math.floor(command.dueAt)));
        writer.text(Math.floor(command.warnAt - command.postedAt).toString(36));
        writer.text(Math.floor(command.dueAt - command.postedAt).toString(36));
        writer.bytes(encodeRecordBody(command));
        break;
      case 'answer':
        writer.op(OP_ANSWER);
        writer.text(key);
        writer.text(String(bucketOf(key)));
        writer.text(String(Math.floor(command.answeredAt)));
        break;
      case 'cancel':
        writer.op(OP_CANCEL);
        writer.text(key);
        writer.text(String(bucketOf(key)));
        break;
      case 'notActionable':
        writer.op(OP_NOT_ACTIONABLE);
        writer.text(key);
        writer.text(String(bucketOf(key)));
        writer.text(dimOf(command));
        break;
    }
  }
  return writer.finish();
}

/**
 * What apply_batch.lua answers: the outcomes, and OPENED_PENDING (opened, and operator actions kept for
 * the comment before it came are still to be applied: the store's appeal lifecycle does it).
 */
export type BatchOutcome = (typeof SLA_OUTCOMES)[number] | 'OPENED_PENDING';
export const BATCH_OUTCOMES: readonly BatchOutcome[] = [...SLA_OUTCOMES, 'OPENED_PENDING'];

/** apply_batch.lua answers with one letter per transition, in order. */
const OUTCOME_OF_LETTER: Record<string, BatchOutcome> = {
  O: 'OPENED',
  P: 'OPENED_PENDING',
  B: 'ANSWERED_BEFORE',
  D: 'DELETED_BEFORE',
  A: 'ANSWERED',
  a: 'ANSWERED_EARLY',
  C: 'CANCELLED',
  d: 'DELETED_EARLY',
  R: 'RECORDED',
  '=': 'DUPLICATE',
};

/** The outcomes of one apply_batch call of `count` transitions. */
export function unpackOutcomes(reply: unknown, count: number): BatchOutcome[] {
  const letters = Buffer.isBuffer(reply) ? reply.toString('latin1') : reply;
  if (typeof letters !== 'string' || letters.length !== count) {
    throw new SlaStoreError('UNEXPECTED_REPLY', `apply: unexpected reply ${JSON.stringify(reply)}`, false);
  }
  const outcomes: BatchOutcome[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const outcome = OUTCOME_OF_LETTER[letters[i] as string];
    if (!outcome) {
      throw new SlaStoreError('UNEXPECTED_REPLY', `apply: unknown outcome letter in ${letters}`, false);
    }
    outcomes[i] = outcome;
  }
  return outcomes;
}
