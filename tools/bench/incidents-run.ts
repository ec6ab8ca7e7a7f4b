/**
 * Runs the incident detector over synthetic days and sums the scores: shared by `npm run bench:incidents`
 * and its short test. The detector sees what the replay gives it (ReplayStream.detect: classification,
 * then detection); its throughput is measured on pre-classified comments, on one core.
 */
import { classify } from '../../services/core/classifier/index.js';
import { commentKeyOf } from '../../services/core/sla/shard.js';
import {
  IncidentDetector,
  type DetectorComment,
  type DetectorConfig,
  type DetectorEvent,
} from '../../services/core/incidents/index.js';
import { syntheticDay, type DayOptions } from '../harness/incidents/day.js';
import { detectionsOf, median, scoreDay, type DayScore } from './incident-scoring.js';

export interface BenchFigures {
  days: number;
  comments: number;
  recall: number;
  campaign_recall: number;
  precision: number;
  false_per_day: number;
  median_delay_min: number;
  median_members_before: number;
  per_s: number;
}

export interface DayReport {
  seed: number;
  comments: number;
  score: DayScore;
}

export function runDays(
  seeds: readonly number[],
  day: Partial<DayOptions> = {},
  config: Partial<DetectorConfig> = {},
): { figures: BenchFigures; days: DayReport[] } {
  const days: DayReport[] = [];
  let comments = 0;
  let cpuMicros = 0;
  for (const seed of seeds) {
    const { events, truth } = syntheticDay(seed, day);
    const inputs: DetectorComment[] = events.map((e) => {
      const c = classify({
        text: e.text,
        postedAt: e.posted_at,
        region: e.region,
        authorKind: e.author.kind,
      });
      return {
        key: commentKeyOf(e.platform, e.comment_id),
        commentId: e.comment_id,
        op: e.op,
        authorId: e.author.id,
        authorKind: e.author.kind,
        pageId: e.page_id,
        threadId: e.thread_id,
        region: e.region,
        municipality: e.municipality,
        text: e.text,
        postedAt: e.posted_at,
        category: c.category,
        type: c.type,
        spam: c.spam,
      };
    });
    const detector = new IncidentDetector(config);
    const out: DetectorEvent[] = [];
    const c0 = process.cpuUsage();
    for (const input of inputs) for (const e of detector.process(input)) out.push(e);
    const used = process.cpuUsage(c0);
    cpuMicros += used.user + used.system;
    comments += inputs.length;
    days.push({ seed, comments: inputs.length, score: scoreDay(detectionsOf(out), truth) });
  }
  const sum = (f: (s: DayScore) => number) => days.reduce((a, d) => a + f(d.score), 0);
  const detections = sum((s) => s.detections);
  const matched = sum((s) => s.matchedIncidents + s.matchedCampaigns);
  const figures: BenchFigures = {
    days: days.length,
    comments,
    recall: round(
      sum((s) => s.matchedIncidents) /
        Math.max(
          1,
          sum((s) => s.trueIncidents),
        ),
    ),
    campaign_recall: round(
      sum((s) => s.matchedCampaigns) /
        Math.max(
          1,
          sum((s) => s.trueCampaigns),
        ),
    ),
    precision: round(detections === 0 ? 0 : matched / detections),
    false_per_day: round(sum((s) => s.falseDetections) / days.length),
    median_delay_min: round(median(days.flatMap((d) => d.score.delaysMin))),
    median_members_before: median(days.flatMap((d) => d.score.membersBefore)),
    per_s: Math.round(comments / (cpuMicros / 1e6)),
  };
  return { figures, days };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
