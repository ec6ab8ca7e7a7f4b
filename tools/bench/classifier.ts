/**
 * Classifier throughput on one core: `npm run bench:classifier [-- --seconds 3 --texts 20000]`;
 * `-- --adversarial` measures hostile texts instead (classifier-adversarial.ts).
 * Texts are generated here from our own phrase fragments (never from labelled data), with lengths
 * spread around a ~240-character median; then the same fragments cut or joined to the length
 * distribution of the labelled dev files (classifier-lengths.json, lengths only). Both are printed; the
 * last line is JSON with per_s (generated) and per_s_dev_lengths.
 */
import { classify } from '../../services/core/classifier/index.js';
import { referenceLine, referenceMs } from './machine-reference.js';
import { seededRandom } from '../harness/random.js';
import lengthsJson from './classifier-lengths.json' with { type: 'json' };

if (process.argv.includes('--adversarial')) {
  const { runAdversarialBench } = await import('./classifier-adversarial.js');
  runAdversarialBench();
  process.exit(0);
}

const OPENINGS = [
  'Здравствуйте!',
  'Добрый день.',
  'Уважаемая администрация,',
  '[id100200|Ирина], добрый вечер,',
  'Обращаюсь уже не в первый раз.',
  'Жители дома просят помочь.',
  '',
];
const PROBLEMS = [
  'во дворе дома 12 по улице Садовой третью неделю не вывозят мусор, контейнеры переполнены',
  'в подъезде не работает лифт, пожилым людям приходится подниматься пешком на девятый этаж',
  'на перекрёстке у школы сломан светофор и дети переходят дорогу как придётся',
  'с утра нет горячей воды, управляющая компания на звонки не отвечает',
  'батареи еле тёплые, в квартире пятнадцать градусов, ребёнок болеет',
  'на тротуаре возле остановки огромная яма, весной там стоит лужа по колено',
  'в поликлинике невозможно записаться к терапевту, талонов нет на две недели вперёд',
  'в детском саду не хватает воспитателей, группы переполнены',
  'пособие на ребёнка не пришло второй месяц, в соцзащите ничего не объясняют',
  'за гаражами снова устроили свалку строительного мусора, по вечерам его жгут',
  'фонари вдоль аллеи в парке не горят с осени, вечером там страшно ходить',
  'автобус сорок второго маршрута ходит раз в час и постоянно опаздывает',
  'на детской площадке сломаны качели и торчат гвозди из скамейки',
  'в подвале пахнет газом, соседи уже вызывали аварийную службу',
  'зарплату на предприятии задерживают с марта, директор не выходит на связь',
  'в доме культуры отменили бесплатный кружок для школьников',
  'во дворе стая бездомных собак бросается на прохожих',
  'с крыши свисают огромные сосульки прямо над входом в магазин',
];
const CLOSINGS = [
  'Прошу принять меры.',
  'Когда это будет исправлено?',
  'Предлагаю установить камеры и наказать виновных.',
  'Спасибо заранее за ответ!',
  'Сколько можно ждать???',
  'Просим разобраться и сообщить о результатах.',
  'Благодарю за оперативную работу, всё сделали быстро!',
  'Подскажите, куда обращаться?',
  'Это уже издевательство над людьми!!!',
  '',
];
const EXTRAS = [
  'Фото прилагаю.',
  'Ситуация повторяется каждый год.',
  'Телефон диспетчерской не отвечает.',
  'В прошлом году обещали всё сделать к лету.',
];

// Street names made of syllables, so the vocabulary has a long tail like a real stream (names and
// house numbers the caches have not seen yet) instead of a few dozen words seen again and again.
const SYLLABLES = [
  'ка',
  'ло',
  'ми',
  'ре',
  'сто',
  'вин',
  'гра',
  'дон',
  'зе',
  'лен',
  'пуш',
  'кин',
  'ма',
  'яко',
  'бер',
  'ёз',
];
const STREET_KINDS = ['улица', 'улице', 'проспект', 'переулок', 'ул.', 'пр-т'];

function generate(count: number, seed: number): string[] {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const texts: string[] = [];
  const streets: string[] = [];
  for (let i = 0; i < 3000; i++) {
    let name = '';
    const n = 2 + Math.floor(rnd() * 3);
    for (let k = 0; k < n; k++) name += pick(SYLLABLES);
    streets.push(name[0]?.toUpperCase() + name.slice(1) + pick(['ой', 'ая', 'ского', 'а', '']));
  }
  for (let i = 0; i < count; i++) {
    const address = `${pick(STREET_KINDS)} ${pick(streets)}, дом ${1 + Math.floor(rnd() * 150)}.`;
    const parts = [pick(OPENINGS), pick(PROBLEMS) + '.', rnd() < 0.6 ? address : ''];
    const r = rnd();
    if (r > 0.2) parts.push(pick(PROBLEMS) + '.');
    if (r > 0.3) parts.push(pick(EXTRAS));
    if (r > 0.55) parts.push(pick(EXTRAS));
    if (r > 0.85) parts.push(pick(PROBLEMS) + '.', pick(EXTRAS));
    parts.push(pick(CLOSINGS));
    let text = parts.filter((p) => p !== '').join(' ');
    if (rnd() < 0.1) text = text.slice(0, 40 + Math.floor(rnd() * 60));
    texts.push(text);
  }
  return texts;
}

/**
 * Texts with the length distribution of the labelled dev files (the committed histogram of their
 * lengths, classifier-lengths.json: lengths only, no text), made of the same generated comments cut or
 * joined to length: the classifier's cost grows with length, and real comments are mostly shorter than
 * the generated ones but have a long tail.
 */
function devLengthTexts(count: number, seed: number, pool: readonly string[]): string[] {
  const rnd = seededRandom(seed);
  const bins = lengthsJson.binUpperBounds;
  const counts = bins.map((_, b) =>
    Object.values(lengthsJson.sources).reduce((sum, perBin) => sum + (perBin[b] ?? 0), 0),
  );
  const total = counts.reduce((a, b) => a + b, 0);
  const texts: string[] = [];
  let next = 0;
  for (let i = 0; i < count; i++) {
    let r = rnd() * total;
    let bin = 0;
    while (bin < counts.length - 1 && r >= (counts[bin] as number)) r -= counts[bin++] as number;
    const low = bin === 0 ? 1 : (bins[bin - 1] as number);
    const length = Math.floor(low + rnd() * ((bins[bin] as number) - low));
    let text = '';
    while (text.length < length) text += (text === '' ? '' : ' ') + (pool[next++ % pool.length] as string);
    const cut = text.lastIndexOf(' ', length);
    texts.push(text.slice(0, cut > length / 2 ? cut : length));
  }
  return texts;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const seconds = arg('--seconds', 3);
const count = arg('--texts', 20000);
const generated = generate(count, 42);
const devLengths = devLengthTexts(count, 7, generated);

const reference = referenceMs();

interface Run {
  perS: number;
  perWallS: number;
  medianBatch: number;
  fastestTenth: number;
  done: number;
  cpuSeconds: number;
  medianChars: number;
}

function measure(texts: readonly string[]): Run {
  const lengths = texts.map((t) => t.length).sort((a, b) => a - b);
  const medianChars = lengths[Math.floor(lengths.length / 2)] ?? 0;
  // Warm-up: JIT and the stem cache, as in a long-running worker.
  for (let i = 0; i < Math.min(texts.length, 5000); i++) classify({ text: texts[i] as string });
  // Timed in batches: on a shared machine other processes steal whole time slices, so besides the
  // totals the batch times give a figure that does not depend on the neighbours (the fastest tenth).
  const BATCH = 500;
  const batchMs: number[] = [];
  let done = 0;
  let sink = 0;
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  while (performance.now() < deadline) {
    const t0 = performance.now();
    for (let i = 0; i < BATCH; i++) {
      const c = classify({
        text: texts[(done + i) % texts.length] as string,
        postedAt: 1_700_000_000_000,
        region: '54',
      });
      sink += c.confidence;
    }
    batchMs.push(performance.now() - t0);
    done += BATCH;
  }
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  batchMs.sort((a, b) => a - b);
  const rateAt = (q: number): number =>
    Math.round(BATCH / ((batchMs[Math.floor(q * (batchMs.length - 1))] as number) / 1000));
  if (Number.isNaN(sink)) console.log('unreachable');
  // The loop is single-threaded, so CPU time is time on one core; it stays closer to the truth than
  // wall time when other processes share the machine.
  return {
    perS: Math.round(done / cpuSeconds),
    perWallS: Math.round(done / elapsed),
    medianBatch: rateAt(0.5),
    fastestTenth: rateAt(0.1),
    done,
    cpuSeconds,
    medianChars,
  };
}

const runs = { generated: measure(generated), dev_lengths: measure(devLengths) };
for (const [name, r] of Object.entries(runs)) {
  console.log(
    `${name.padEnd(12)} classified ${r.done} comments (median ${r.medianChars} chars) on one core: ${r.perS}/s by CPU time, ${r.perWallS}/s by wall clock, ${r.medianBatch}/s median batch, ${r.fastestTenth}/s fastest tenth of batches`,
  );
}
console.log(referenceLine(reference));
const g = runs.generated;
const d = runs.dev_lengths;
console.log(
  JSON.stringify({
    per_s: g.perS,
    per_s_wall: g.perWallS,
    per_s_median_batch: g.medianBatch,
    per_s_fastest_tenth: g.fastestTenth,
    comments: g.done,
    cpu_seconds: Number(g.cpuSeconds.toFixed(3)),
    median_chars: g.medianChars,
    per_s_dev_lengths: d.perS,
    per_s_dev_lengths_fastest_tenth: d.fastestTenth,
    median_chars_dev_lengths: d.medianChars,
    reference_loop_cpu_ms: reference,
  }),
);
