/**
 * `npx tsx tools/bench/incidents-profile.ts [seed] [days]`: the detector alone over pre-classified synthetic
 * days, timed, for `node --cpu-prof --import tsx tools/bench/incidents-profile.ts` (the generator and the
 * classifier run before the timed part, so the profile's hot spots are the detector's).
 */
import { classify } from '../../services/core/classifier/index.js';
import { commentKeyOf } from '../../services/core/sla/shard.js';
import { IncidentDetector, type DetectorComment } from '../../services/core/incidents/index.js';
import { fnv1a, hex32 } from '../../services/core/incidents/hash.js';
import { syntheticDay } from '../harness/incidents/day.js';

const firstSeed = Number(process.argv[2] ?? 101);
const days = Number(process.argv[3] ?? 3);
const streams: DetectorComment[][] = [];
for (let seed = firstSeed; seed < firstSeed + days; seed++) {
  streams.push(
    syntheticDay(seed).events.map((e) => {
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
    }),
  );
}
let comments = 0;
let events = 0;
// A digest of every event, so a change meant only to be faster can show it changed nothing.
let digest = 0;
const c0 = process.cpuUsage();
for (const stream of streams) {
  const detector = new IncidentDetector();
  for (const comment of stream)
    for (const e of detector.process(comment)) {
      events++;
      digest = fnv1a(`${e.incident_id} ${e.kind} ${e.at} ${e.comment_ids.join(',')}`, digest);
    }
  comments += stream.length;
}
const used = process.cpuUsage(c0);
const seconds = (used.user + used.system) / 1e6;
console.log(
  `${comments} comments, ${events} events (digest ${hex32(digest)}), ${Math.round(comments / seconds)} comments per CPU-second`,
);
