import type { AppealState } from './appeal.js';

/** The gauge of open appeals whose clocks are paused (waiting for the citizen or another agency). */
export const PAUSED_GAUGE = 'paused';

const pausedDim = (s: AppealState | undefined): string | null =>
  s && s.status === 'OPEN' && s.pause
    ? `${s.subject.region}|${s.subject.category}|${s.subject.priority}`
    : null;

/**
 * How one step moves the `paused` gauge: the appeal leaves it when its pause ends or it finishes, enters
 * it when a pause starts, and moves with it when a correction changes its subject while paused. The
 * reference model and the Redis store both apply exactly these deltas, so the board reads paused appeals
 * from one counter instead of scanning the appeals' states.
 */
export function pausedGaugeDeltas(
  before: AppealState | undefined,
  after: AppealState,
): { dim: string; delta: number }[] {
  const from = pausedDim(before);
  const to = pausedDim(after);
  if (from === to) return [];
  const out: { dim: string; delta: number }[] = [];
  if (from) out.push({ dim: from, delta: -1 });
  if (to) out.push({ dim: to, delta: 1 });
  return out;
}
