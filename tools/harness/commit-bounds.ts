import { decodeCommentEvent } from '../../services/core/contracts/index.js';
import type { StoredMessage } from './kafka.js';
import type { Outputs } from './outcome.js';

/**
 * Per partition, the span a correct commit must fall in: at least one past the last message known to
 * be processed, at most the first message known not to be. A comment or reply is processed when its
 * classified output exists (matched per key in offset order, as a partition is processed in order),
 * a bad message when its dead letter exists; a delete leaves no trace on a topic and proves nothing.
 */
export function commitBounds(
  input: StoredMessage[],
  outputs: Outputs,
): Map<number, { min: number; max: number }> {
  const outputsLeft = new Map(outputs.classifiedPerKey);
  const bounds = new Map<number, { min: number; max: number }>();
  for (const m of input) {
    const bound = bounds.get(m.partition) ?? { min: 0, max: Infinity };
    bounds.set(m.partition, bound);
    let processed: boolean;
    try {
      if (decodeCommentEvent(m.value as Buffer).op === 'DELETED') continue;
      const left = outputsLeft.get(m.key) ?? 0;
      processed = left > 0;
      outputsLeft.set(m.key, left - 1);
    } catch {
      processed = outputs.deadLetterSources.has(`${m.partition}:${m.offset}`);
    }
    if (processed) bound.min = Math.max(bound.min, m.offset + 1);
    else bound.max = Math.min(bound.max, m.offset);
  }
  return bounds;
}
