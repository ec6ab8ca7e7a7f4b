/**
 * The bench's comment texts: generated from our own phrase fragments (never from labelled data), and the
 * same fragments cut or joined to the length distribution of the dev files (classifier-lengths.json,
 * lengths only). Shared by bench:classifier and its A/B comparison (classifier-ab.ts).
 */
import { seededRandom } from '../harness/random.js';
import lengthsJson from './classifier-lengths.json' with { type: 'json' };

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

export function generate(count: number, seed: number): string[] {
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
export function devLengthTexts(count: number, seed: number, pool: readonly string[]): string[] {
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
