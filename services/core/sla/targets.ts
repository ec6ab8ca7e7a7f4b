import type { SlaTarget } from './appeal-clock.js';

/** The counter of `metric` for a target: the first reply keeps the names it had before issue #16. */
export function metricOf(target: SlaTarget, metric: string): string {
  if (target === 'FIRST_REPLY') return metric;
  return `${target === 'FINAL_ANSWER' ? 'final' : 'next'}_${metric}`;
}

/** Where a target's record lives: the reply targets share the comment's own, the final answer its own. */
export function slotOf(key: string, target: SlaTarget): string {
  return target === 'FINAL_ANSWER' ? `${key}#final` : key;
}
