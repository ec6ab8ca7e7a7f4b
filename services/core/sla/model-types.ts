import type { AlertKind } from '../contracts/schema-types.generated.js';
import type { SlaTarget } from './appeal-clock.js';

/** The record and marker shapes of the reference model (model.ts), shared with model-appeals.ts. */
type Kind = AlertKind | null;
export interface Open {
  /** The appeal's key (a final answer's record sits under `<key>#final`). */
  key: string;
  target: SlaTarget;
  kind: Kind;
  level: number;
  nextAt: number;
  postedAt: number;
  warnAt: number;
  dueAt: number;
  /** Its WARNING was acked: a re-plan does not warn again. */
  warned: boolean;
  interval: number;
  maxLevel: number;
  dim: string;
  priority: string;
  /** Set while the alert is claimed and not yet acknowledged (in the lease set). */
  leaseUntil: number | null;
  /** In the late wheel: its BREACH was claimed. Counted by the `overdue` gauge while open. */
  late: boolean;
}
/** A finished comment ('a' answered, 'c' cancelled, 'n' not actionable) or a reply/delete seen first. */
export type Marker = { m: 'a' | 'c' | 'n' | 'd' | 'f' } | { m: 'e'; answeredAt: number };
