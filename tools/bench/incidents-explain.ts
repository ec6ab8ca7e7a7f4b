/**
 * `npx tsx tools/bench/incidents-explain.ts [seed]`: why the bench misses or invents incidents on one
 * synthetic day. Per true incident: size, place, the classifier's categories of its members, and the
 * detections holding its members; per unmatched detection: what its members are (true incident or
 * background). A diagnostic for tuning, not a figure.
 */
import { classify } from '../../services/core/classifier/index.js';
import { commentKeyOf } from '../../services/core/sla/shard.js';
import { IncidentDetector, type DetectorEvent } from '../../services/core/incidents/index.js';
import { syntheticDay } from '../harness/incidents/day.js';
import { detectionsOf, scoreDay } from './incident-scoring.js';

const seed = Number(process.argv[2] ?? 101);
const { events, truth } = syntheticDay(seed);
const detector = new IncidentDetector();
// Which group each comment joined (incident candidates only), through the detector's private addMember.
interface GroupView {
  type: string;
  placeKey: string;
  category: string;
  total: number;
  streets: Set<string>;
}
const joined = new Map<string, GroupView>();
const groupIds = new Map<GroupView, number>();
const proto = IncidentDetector.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
const addMember = proto['addMember'] as (...args: unknown[]) => unknown;
proto['addMember'] = function (this: unknown, group: unknown, member: unknown, ...rest: unknown[]) {
  const g = group as GroupView;
  if (g.type === 'incident') {
    joined.set((member as { key: string }).key, g);
    if (!groupIds.has(g)) groupIds.set(g, groupIds.size);
  }
  return addMember.call(this, group, member, ...rest);
};
const out: DetectorEvent[] = [];
const byKey = new Map<string, { text: string; category: string; type: string; muni: string | null }>();
for (const e of events) {
  const c = classify({ text: e.text, postedAt: e.posted_at, region: e.region, authorKind: e.author.kind });
  const key = commentKeyOf(e.platform, e.comment_id);
  if (!byKey.has(key))
    byKey.set(key, {
      text: `[${e.thread_id} ${e.author.id}] ${e.text}`,
      category: c.category,
      type: c.type,
      muni: e.municipality,
    });
  for (const x of detector.process({
    key,
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
  }))
    out.push(x);
}
const detections = detectionsOf(out);
const score = scoreDay(detections, truth);
const owner = new Map<string, string>();
for (const t of truth) for (const m of t.members) owner.set(m, t.id);
const tally = (keys: Iterable<string>, f: (k: string) => string): string => {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(f(k), (counts.get(f(k)) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k}:${n}`)
    .join(' ');
};
console.log(
  `seed ${seed}: incidents ${score.matchedIncidents}/${score.trueIncidents}, false ${score.falseDetections}`,
);
for (const t of truth) {
  const minutes = (Math.max(...t.memberAt.values()) - t.firstAt) / 60_000;
  const holders = detections
    .map((d) => ({ d, n: t.members.filter((m) => d.members.has(m)).length }))
    .filter((x) => x.n > 0)
    .map((x) => `${x.d.id}(${x.n}/${x.d.members.size})`);
  if (process.argv.includes('--groups') && t.type === 'incident')
    console.log(
      '   groups: ' +
        tally(t.members, (k) => {
          const g = joined.get(k);
          return g === undefined
            ? 'none'
            : `g${groupIds.get(g)}[${g.category}/${g.placeKey}/${[...g.streets].join(',')} total ${g.total}]`;
        }),
    );
  console.log(
    `${t.id} ${t.type} ${t.kind} r${t.region} ${t.town} size ${t.members.length} over ${minutes.toFixed(0)} min; ` +
      `categories ${tally(t.members, (k) => byKey.get(k)?.category ?? '?')}; types ${tally(t.members, (k) => byKey.get(k)?.type ?? '?')}; in ${holders.join(' ') || 'none'}`,
  );
}
for (const d of detections) {
  console.log(
    `${d.id} ${d.type} size ${d.members.size}: ${tally(d.members, (k) => owner.get(k) ?? 'background')}; ` +
      `categories ${tally(d.members, (k) => byKey.get(k)?.category ?? '?')}; types ${tally(d.members, (k) => byKey.get(k)?.type ?? '?')}`,
  );
  if (process.argv.includes('--texts'))
    for (const k of [...d.members].slice(0, 6))
      console.log(`   ${byKey.get(k)?.muni} | ${byKey.get(k)?.text}`);
}
