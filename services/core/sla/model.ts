import type { AlertKind } from '../contracts/schema-types.generated.js';
import type { ActionCommand, OpenSlaCommand, SlaCommand } from './commands.js';
import { RESPONSE_BOUNDS_MIN } from './counters.js';
import { ModelAppeals } from './model-appeals.js';
import type { SlaTarget } from './appeal.js';
import { metricOf, slotOf } from './targets.js';
import type { Marker, Open } from './model-types.js';
import type { PolicyConfig } from './policy.js';

export { metricOf, slotOf } from './targets.js';
export type { Marker, Open } from './model-types.js';

/**
 * Reference model of the SLA state machine (docs/design.md#sla-semantics; lua/_README.md): the same
 * transitions as the Redis scripts, written as plainly as possible, with no layout, wheels or chunks.
 * Model-based tests apply one random history to both and compare counters, markers and alerts; the
 * model is the specification, the scripts are the fast implementation.
 */
type Kind = AlertKind | null;
export interface ModelAlert {
  commentKey: string;
  kind: AlertKind;
  level: number;
  /** Absent for the first reply, as before issue #16. */
  target?: SlaTarget;
}

export class SlaModel {
  readonly open = new Map<string, Open>();
  readonly markers = new Map<string, Marker>();
  /** The `cnt` hash: `<metric>|<region>|<category>|<priority>` and the response-time histogram. */
  readonly counters = new Map<string, number>();
  /** The appeal lifecycle (issue #16), present when the model is given the policy. */
  readonly appeals: ModelAppeals | null;

  constructor(policy?: PolicyConfig) {
    this.appeals = policy ? new ModelAppeals(policy, this) : null;
  }

  /** @internal for ModelAppeals. */
  bump(field: string, delta = 1): void {
    const value = (this.counters.get(field) ?? 0) + delta;
    this.counters.set(field, value);
  }

  /** @internal for ModelAppeals. */
  countAnswer(dim: string, priority: string, postedAt: number, dueAt: number, at: number): void {
    this.bump(`${at <= dueAt ? 'answered_in_time' : 'answered_late'}|${dim}`);
    this.countResponseTime(priority, postedAt, at);
  }

  /** @internal for ModelAppeals: the first reply's response-time histogram. */
  countResponseTime(priority: string, postedAt: number, at: number): void {
    const elapsed = Math.max(0, at - postedAt);
    const bound = RESPONSE_BOUNDS_MIN.find((b) => elapsed <= b * 60_000);
    this.bump(`rt|${priority}|${bound ?? 'inf'}`);
    this.bump(`rt_sum_ms|${priority}`, elapsed);
  }

  /** @internal for ModelAppeals: removes a record, leaving `marker` when given. */
  close(key: string, marker: Marker | null): Open | undefined {
    const rec = this.open.get(key);
    if (!rec) return undefined;
    this.open.delete(key);
    if (marker) this.markers.set(key, marker);
    this.bump(`${metricOf(rec.target, 'open')}|${rec.dim}`, -1);
    if (rec.late) this.bump(`${metricOf(rec.target, 'overdue')}|${rec.dim}`, -1);
    return rec;
  }

  /** An operator's action (issue #16): PENDING until its comment arrives, then applied once by id. */
  act(c: ActionCommand, now: number): string {
    if (!this.appeals) throw new Error('the appeal lifecycle needs the model built with a policy');
    return this.appeals.act(c, now);
  }

  /** One transition at server time `now`; returns the status the script returns. */
  apply(c: SlaCommand, now: number): string {
    const key = c.commentKey;
    const marker = this.markers.get(key);
    switch (c.kind) {
      case 'open': {
        const dim = `${c.region}|${c.category}|${c.priority}`;
        if (this.open.has(key) || (marker && marker.m !== 'e' && marker.m !== 'd')) return 'DUPLICATE';
        if (marker?.m === 'd') {
          this.markers.set(key, { m: 'c' });
          this.bump(`cancelled|${dim}`);
          this.appeals?.forget(key);
          return 'DELETED_BEFORE';
        }
        // A comment whose own official replies came first (`e`) may still be a follow-up: they then
        // answer the appeal, as they would have after it.
        if (this.appeals && (!marker || marker.m === 'e')) {
          const followed = this.appeals.followUp(c, now);
          if (followed) return followed;
        }
        if (this.appeals) return this.appeals.open(c, now, marker?.m === 'e' ? marker.answeredAt : null);
        this.bump(`opened|${dim}`);
        if (marker?.m === 'e') {
          this.markers.set(key, { m: 'a' });
          this.countAnswer(dim, c.priority, c.postedAt, c.dueAt, marker.answeredAt);
          return 'ANSWERED_BEFORE';
        }
        this.openRecord(c, now);
        return 'OPENED';
      }
      case 'answer': {
        const viaAppeal = this.appeals?.answer(c, now);
        if (viaAppeal) return viaAppeal;
        const rec = this.close(key, { m: 'a' });
        if (rec) {
          this.countAnswer(rec.dim, rec.priority, rec.postedAt, rec.dueAt, c.answeredAt);
          return 'ANSWERED';
        }
        // Under the lifecycle the reply waits for its comment too (applied to the appeal when it opens).
        if (!marker || marker.m === 'e') this.appeals?.keepReply(c);
        if (!marker) this.markers.set(key, { m: 'e', answeredAt: c.answeredAt });
        else if (marker.m === 'e' && c.answeredAt < marker.answeredAt) marker.answeredAt = c.answeredAt;
        return marker ? 'DUPLICATE' : 'ANSWERED_EARLY';
      }
      case 'cancel': {
        const viaAppeal = this.appeals?.cancel(c, now);
        if (viaAppeal) return viaAppeal;
        const rec = this.close(key, { m: 'c' });
        if (rec) {
          this.bump(`cancelled|${rec.dim}`);
          return 'CANCELLED';
        }
        if (marker && marker.m !== 'e') return 'DUPLICATE';
        this.markers.set(key, { m: 'd' });
        return 'DELETED_EARLY';
      }
      case 'notActionable': {
        if (this.open.has(key) || (marker && marker.m !== 'e' && marker.m !== 'd')) return 'DUPLICATE';
        this.markers.set(key, { m: 'n' });
        this.bump(`not_actionable|${c.region}|${c.category}|${c.priority}`);
        return 'RECORDED';
      }
    }
  }

  /** @internal for ModelAppeals: the first-reply record of an open command, as open_sla writes it. */
  openRecord(c: OpenSlaCommand, now: number): void {
    const dim = `${c.region}|${c.category}|${c.priority}`;
    const warn = now < c.dueAt && c.warnAt < c.dueAt;
    this.open.set(c.commentKey, {
      key: c.commentKey,
      target: 'FIRST_REPLY',
      kind: warn ? 'WARNING' : 'BREACH',
      level: 0,
      nextAt: warn ? c.warnAt : c.dueAt,
      postedAt: c.postedAt,
      warnAt: c.warnAt,
      dueAt: c.dueAt,
      warned: false,
      interval: c.escalationIntervalMs,
      maxLevel: c.maxEscalationLevel,
      dim,
      priority: c.priority,
      leaseUntil: null,
      late: false,
    });
    this.bump(`open|${dim}`);
  }

  /** Hands out every due alert (and every expired lease) at `now` under a lease of `leaseMs`. */
  claim(now: number, leaseMs: number): ModelAlert[] {
    const out: ModelAlert[] = [];
    for (const rec of this.open.values()) {
      const due = rec.leaseUntil === null ? rec.kind !== null && rec.nextAt <= now : rec.leaseUntil <= now;
      if (!due || rec.kind === null) continue;
      // A sweeper that was away past due_at skips the stale WARNING and goes straight to the BREACH.
      if (rec.kind === 'WARNING' && now >= rec.dueAt) [rec.kind, rec.nextAt] = ['BREACH', rec.dueAt];
      // A claimed BREACH enters the late wheel once (claimed again after its lease expired, it is there).
      if (rec.kind === 'BREACH' && !rec.late) {
        rec.late = true;
        this.bump(`${metricOf(rec.target, 'overdue')}|${rec.dim}`);
      }
      rec.leaseUntil = now + leaseMs;
      const alert: ModelAlert = { commentKey: rec.key, kind: rec.kind, level: rec.level };
      if (rec.target !== 'FIRST_REPLY') alert.target = rec.target;
      out.push(alert);
    }
    return out;
  }

  /** The alert was published: count it and schedule the next one. False when it is stale. */
  ack(alert: ModelAlert): boolean {
    const target = alert.target ?? 'FIRST_REPLY';
    const rec = this.open.get(slotOf(alert.commentKey, target));
    if (!rec || rec.target !== target || rec.kind !== alert.kind || rec.level !== alert.level) return false;
    const metric = { WARNING: 'warned', BREACH: 'breached', ESCALATION: 'escalated' }[rec.kind];
    this.bump(`${metricOf(target, metric)}|${rec.dim}`);
    if (rec.kind === 'WARNING') rec.warned = true;
    let next: [Kind, number, number] = [null, 0, 0];
    if (rec.kind === 'WARNING') next = ['BREACH', 0, rec.dueAt];
    else {
      const level = rec.kind === 'BREACH' ? 1 : rec.level + 1;
      if (rec.interval > 0 && level <= rec.maxLevel)
        next = ['ESCALATION', level, rec.dueAt + level * rec.interval];
    }
    [rec.kind, rec.level, rec.nextAt, rec.leaseUntil] = [...next, null];
    return true;
  }
}
