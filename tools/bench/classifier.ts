/**
 * Classifier throughput on one core: `npm run bench:classifier [-- --seconds 3 --texts 20000]`;
 * `-- --adversarial` measures hostile texts instead (classifier-adversarial.ts).
 * Texts are generated here from our own phrase fragments (never from labelled data), with lengths
 * spread around a ~240-character median like real comments. The last line printed is JSON with per_s.
 */
import { classify } from '../../services/core/classifier/index.js';
import { referenceLine, referenceMs } from './machine-reference.js';
import { seededRandom } from '../harness/random.js';

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

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const seconds = arg('--seconds', 3);
const texts = generate(arg('--texts', 20000), 42);
const lengths = texts.map((t) => t.length).sort((a, b) => a - b);
const medianChars = lengths[Math.floor(lengths.length / 2)] ?? 0;

const reference = referenceMs();

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
// The loop is single-threaded, so CPU time is time on one core; it stays closer to the truth than wall
// time when other processes share the machine.
const perS = Math.round(done / cpuSeconds);
const perWallS = Math.round(done / elapsed);
const unloaded = rateAt(0.1);
console.log(
  `classified ${done} comments (median ${medianChars} chars) on one core: ${perS}/s by CPU time, ${perWallS}/s by wall clock, ${rateAt(0.5)}/s median batch, ${unloaded}/s fastest tenth of batches`,
);
console.log(referenceLine(reference));
if (Number.isNaN(sink)) console.log('unreachable');
console.log(
  JSON.stringify({
    per_s: perS,
    per_s_wall: perWallS,
    per_s_median_batch: rateAt(0.5),
    per_s_fastest_tenth: unloaded,
    comments: done,
    cpu_seconds: Number(cpuSeconds.toFixed(3)),
    median_chars: medianChars,
    reference_loop_cpu_ms: reference,
  }),
);
