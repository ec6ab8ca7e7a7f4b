/**
 * `npm run bench:incidents [-- --days N] [--seed S]`: the incident detector over N synthetic days
 * (different seeds, never tuned to one), scored by the matching rule. Prints a machine reference,
 * each day's figures, the totals, and as its last line the totals as JSON.
 */
import { referenceLine, referenceMs } from './machine-reference.js';
import { runDays } from './incidents-run.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  if (at === -1) return fallback;
  const n = Number(process.argv[at + 1]);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} needs a positive integer`);
  return n;
}

const daysCount = option('--days', 5);
const firstSeed = option('--seed', 101);
const seeds = Array.from({ length: daysCount }, (_, i) => firstSeed + i);

console.log(referenceLine(referenceMs()));
const { figures, days } = runDays(seeds);
for (const d of days) {
  const s = d.score;
  console.log(
    `seed ${d.seed}: ${d.comments} comments, incidents ${s.matchedIncidents}/${s.trueIncidents}, campaigns ${s.matchedCampaigns}/${s.trueCampaigns}, detections ${s.detections}, false ${s.falseDetections}, delays (min) ${s.delaysMin.map((x) => x.toFixed(0)).join(' ')}`,
  );
}
console.log(
  `recall ${figures.recall}, campaign recall ${figures.campaign_recall}, precision ${figures.precision}, ` +
    `false per day ${figures.false_per_day}, median delay ${figures.median_delay_min} min, ` +
    `median members before detection ${figures.median_members_before}, detector ${figures.per_s} comments per CPU-second`,
);
console.log(JSON.stringify(figures));
