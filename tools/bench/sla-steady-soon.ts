import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The share of open items that wait in `soon` (a skiplist entry each, ~90 B more than a slot's listpack
 * entry) in the steady state of real-time arrivals, under the shipped due wheel's rules.
 *
 * bench:sla measures two ends on the same keyspace: every item in its window's slot (nothing moved: its
 * registration claims nothing) and every item in `soon` (every window moved). A running system sits
 * between them: an item waits in `soon` from its window's move time until its alert, and which window it
 * took depends on how far ahead its alert was when it was added. So this walks the life of the items
 * open at a moment `now`: comments arrive at a constant rate in the given priority mix, each is added at
 * posted_at for its WARNING (75 % of its target) and again at warn_at (the sweeper's reschedule after the
 * WARNING's claim) for its BREACH at due_at; it is in `soon` at `now` when the move time of the window
 * it was added to has come. Breached items (the late wheel, escalations) are not counted, as in the
 * bench's keyspace. `now` is sampled over a four-hour block (windows are aligned to the Unix epoch),
 * posted_at over each priority's target. The thresholds and lookaheads are read from includes/wheel.lua
 * itself, so this follows the script.
 */
const WHEEL_LUA = readFileSync(
  join(import.meta.dirname, '..', '..', 'services', 'adapters', 'redis', 'lua', 'includes', 'wheel.lua'),
  'utf8',
);

function luaConstant(name: string): number {
  const m = new RegExp(`^local ${name} = (\\d+)$`, 'm').exec(WHEEL_LUA);
  if (!m) throw new Error(`includes/wheel.lua has no constant ${name}`);
  return Number(m[1]);
}

export const WHEEL_RULES = {
  slotMs: luaConstant('WHEEL_SLOT_MS'),
  lookaheadMs: luaConstant('WHEEL_LOOKAHEAD_MS'),
  tenMs: luaConstant('WHEEL_TEN_MS'),
  tenFarMs: luaConstant('WHEEL_TEN_FAR_MS'),
  tenLookaheadMs: luaConstant('WHEEL_TEN_LOOKAHEAD_MS'),
  hourMs: luaConstant('WHEEL_HOUR_MS'),
  farMs: luaConstant('WHEEL_FAR_MS'),
  hourLookaheadMs: luaConstant('WHEEL_HOUR_LOOKAHEAD_MS'),
  blockMs: luaConstant('WHEEL_BLOCK_MS'),
  blockFarMs: luaConstant('WHEEL_BLOCK_FAR_MS'),
};

/** When the window of an alert at `alertAt`, added at `addedAt`, moves into `soon` (wheel_window_key). */
export function windowMoveTime(addedAt: number, alertAt: number): number {
  const r = WHEEL_RULES;
  const ahead = alertAt - addedAt;
  const start = (size: number) => Math.floor(alertAt / size) * size;
  if (ahead >= r.blockFarMs) return start(r.blockMs) - r.hourLookaheadMs;
  if (ahead >= r.farMs) return start(r.hourMs) - r.hourLookaheadMs;
  if (ahead >= r.tenFarMs) return start(r.tenMs) - r.tenLookaheadMs;
  return start(r.slotMs) - r.lookaheadMs;
}

/** A priority's share of arrivals and its target (ms); WARNING at 75 % of the target, as bench:sla's. */
export interface PriorityMix {
  share: number;
  targetMs: number;
}

/**
 * The share of open (not yet breached) items waiting in `soon` in the steady state of real-time
 * arrivals: `mean` over the moments of a four-hour block, and `peak`, the most at any of them (just after
 * a four-hour window has moved, when its members wait up to 4 h 10 min).
 */
export function steadyStateSoonShare(
  mix: readonly PriorityMix[],
  steps = 1_000,
  phases = 240,
): { mean: number; peak: number } {
  // A four-hour block's start (windows are aligned to the epoch), then moments over the block, each in
  // the middle of its step: a moment on a window's boundary would count its window as moved.
  const epoch = Date.UTC(2026, 0, 1);
  let sum = 0;
  let peak = 0;
  for (let phase = 0; phase < phases; phase++) {
    const now = epoch + Math.floor(((phase + 0.5) / phases) * WHEEL_RULES.blockMs);
    let inSoon = 0;
    let open = 0;
    for (const { share, targetMs } of mix) {
      // Arrivals at a constant rate: items posted within the last target are open, each weighs
      // share x target / steps.
      const weight = (share * targetMs) / steps;
      for (let k = 0; k < steps; k++) {
        const postedAt = now - Math.floor(((k + 0.5) / steps) * targetMs);
        const warnAt = postedAt + Math.floor(targetMs * 0.75);
        const dueAt = postedAt + targetMs;
        const moveAt = now < warnAt ? windowMoveTime(postedAt, warnAt) : windowMoveTime(warnAt, dueAt);
        open += weight;
        if (moveAt <= now) inSoon += weight;
      }
    }
    sum += inSoon / open;
    peak = Math.max(peak, inSoon / open);
  }
  return { mean: sum / phases, peak };
}
