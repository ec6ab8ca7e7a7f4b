import { ContractError, type OperatorActionDecoder } from '../../core/contracts/index.js';
import { shardOf } from '../../core/sla/shard.js';
import type { InputMessage } from '../../runtime/consumer/processor.js';
import { deadLetterOf, processingFailure, type PreparedBatch } from './prepare-batch.js';

export interface PrepareActionsContext {
  topic: string;
  partition: number;
  decode: OperatorActionDecoder;
  shards: number;
  /** Worker clock, for the gate's plausibility of acted_at only. */
  nowMs: number;
  maxMessageBytes: number;
}

/**
 * A chunk of the operator-actions topic (issue #16), in memory before any I/O: each message through the
 * action gate into an ActionCommand on its comment's shard, or into a dead letter with the reason (a
 * refused action never stops the partition, as for comments). Nothing is classified or published.
 */
export function prepareActions(messages: readonly InputMessage[], ctx: PrepareActionsContext): PreparedBatch {
  const out: PreparedBatch = {
    slaCommands: [],
    commandSources: [],
    classified: [],
    classifiedSources: [],
    deadLetters: [],
    stats: { decoded: 0, deadLettered: 0, categories: {} },
    deadLetterCodes: [],
    actions: [],
  };
  for (const message of messages) {
    try {
      const action = ctx.decode(message.value, message.headers ?? {}, ctx.nowMs);
      const shard = shardOf(action.comment_key, ctx.shards);
      out.actions?.push({ kind: 'action', commentKey: action.comment_key, shard, action });
      out.stats.decoded++;
    } catch (error) {
      const reason = error instanceof ContractError ? error : processingFailure(error, 'operator action');
      out.deadLetters.push(deadLetterOf(message, reason, ctx));
      out.stats.deadLettered++;
      out.deadLetterCodes.push({ offset: message.offset, code: reason.code });
    }
  }
  return out;
}
