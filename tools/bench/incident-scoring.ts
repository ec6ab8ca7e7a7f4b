/**
 * Scores detections against ground truth by the rule (#17, item 6): a detection matches a true
 * incident when at least half of its members belong to it and it covers at least 30 % of it, one to one,
 * with the same type; a split or duplicate detection of one true incident counts as a false one.
 */
import type { IncidentReplayLine } from '../../services/core/incidents/index.js';
import type { TrueIncident } from '../harness/incidents/day.js';

export interface Detection {
  id: string;
  type: 'incident' | 'campaign';
  openedAt: number;
  members: Set<string>;
}

export interface DayScore {
  trueIncidents: number;
  trueCampaigns: number;
  matchedIncidents: number;
  matchedCampaigns: number;
  detections: number;
  falseDetections: number;
  /** Minutes from the first true member to the OPENED line, per matched detection. */
  delaysMin: number[];
  /** True members posted at or before the OPENED line, per matched detection. */
  membersBefore: number[];
}

export function detectionsOf(events: readonly IncidentReplayLine[]): Detection[] {
  const byId = new Map<string, Detection>();
  for (const e of events) {
    let d = byId.get(e.incident_id);
    if (d === undefined) {
      if (e.kind !== 'OPENED') throw new Error(`${e.incident_id}: ${e.kind} before OPENED`);
      d = { id: e.incident_id, type: e.type, openedAt: e.at, members: new Set() };
      byId.set(e.incident_id, d);
    }
    for (const id of e.comment_ids) d.members.add(id);
  }
  return [...byId.values()];
}

export function scoreDay(detections: readonly Detection[], truth: readonly TrueIncident[]): DayScore {
  const pairs: { d: Detection; t: TrueIncident; overlap: number }[] = [];
  for (const d of detections) {
    for (const t of truth) {
      if (t.type !== d.type) continue;
      let overlap = 0;
      for (const m of t.members) if (d.members.has(m)) overlap++;
      if (overlap >= 0.5 * d.members.size && overlap >= 0.3 * t.members.length) pairs.push({ d, t, overlap });
    }
  }
  pairs.sort((a, b) => b.overlap - a.overlap);
  const usedD = new Set<Detection>();
  const usedT = new Set<TrueIncident>();
  const score: DayScore = {
    trueIncidents: truth.filter((t) => t.type === 'incident').length,
    trueCampaigns: truth.filter((t) => t.type === 'campaign').length,
    matchedIncidents: 0,
    matchedCampaigns: 0,
    detections: detections.length,
    falseDetections: 0,
    delaysMin: [],
    membersBefore: [],
  };
  for (const { d, t } of pairs) {
    if (usedD.has(d) || usedT.has(t)) continue;
    usedD.add(d);
    usedT.add(t);
    if (t.type === 'incident') score.matchedIncidents++;
    else score.matchedCampaigns++;
    score.delaysMin.push((d.openedAt - t.firstAt) / 60_000);
    let before = 0;
    for (const at of t.memberAt.values()) if (at <= d.openedAt) before++;
    score.membersBefore.push(before);
  }
  score.falseDetections = detections.length - usedD.size;
  return score;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
