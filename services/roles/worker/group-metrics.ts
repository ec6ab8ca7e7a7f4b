import type { SlaOutcome } from '../../core/sla/commands.js';
import type { ActionOutcome } from '../../adapters/redis/store/sla-store.js';
import type { Metrics } from '../../runtime/observability/metrics.js';
import type { GroupChunk } from '../../runtime/consumer/processor.js';
import type { PreparedBatch } from './prepare-batch.js';

/**
 * Counts a confirmed group into the Prometheus metrics: summed per label value first, so that each
 * labelled counter is looked up once per group, not once per event (label lookups are the slow part).
 */
export function recordGroupMetrics(
  metrics: Metrics,
  topic: string,
  chunks: readonly GroupChunk<PreparedBatch>[],
  outcomes: readonly (SlaOutcome | ActionOutcome)[],
): void {
  let messagesIn = 0;
  const categories = new Map<string, number>();
  const codes = new Map<string, number>();
  for (const { prepared } of chunks) {
    messagesIn += prepared.stats.decoded + prepared.stats.deadLettered;
    for (const category in prepared.stats.categories) {
      categories.set(category, (categories.get(category) ?? 0) + (prepared.stats.categories[category] ?? 0));
    }
    for (const { code } of prepared.deadLetterCodes) codes.set(code, (codes.get(code) ?? 0) + 1);
  }
  const transitions = new Map<string, number>();
  for (const outcome of outcomes) transitions.set(outcome, (transitions.get(outcome) ?? 0) + 1);

  metrics.messagesIn.inc({ topic }, messagesIn);
  for (const [category, n] of categories) metrics.classified.inc({ category }, n);
  for (const [code, n] of codes) metrics.deadLettered.inc({ code }, n);
  for (const [outcome, n] of transitions) metrics.slaTransitions.inc({ outcome }, n);
}
