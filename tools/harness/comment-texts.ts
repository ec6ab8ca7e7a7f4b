/**
 * Synthetic citizens' comments for benchmarks and runtime tests: Russian texts assembled from phrase
 * fragments written for this file (never taken from labelled data), over many regions, platforms and
 * topics, with lengths from a few words to several paragraphs. Deterministic for a given seed.
 */
import { allRegions } from '../../services/core/regions/index.js';
import type { CommentEvent, Platform } from '../../services/core/contracts/schema-types.generated.js';
import { seededRandom } from './random.js';

export type Intent = 'complaint' | 'question' | 'suggestion' | 'gratitude' | 'spam' | 'chatter';

/** Problems by topic; each is a clause that fits after an opening and before a closing. */
const PROBLEMS: Record<string, readonly string[]> = {
  housing: [
    'в доме {n} по улице {street} уже четвёртые сутки нет горячей воды',
    'батареи в квартире холодные, дома плюс четырнадцать, дети спят в куртках',
    'в подъезде третью неделю не работает лифт, а у нас на девятом этаже лежачая бабушка',
    'с потолка на кухне течёт вода, верхние соседи ни при чём, течёт крыша',
    'управляющая компания выставила в квитанции какую-то непонятную сумму за содержание',
    'в подвале стоит вода и воняет канализацией, комары круглый год',
    'напор холодной воды такой, что на пятом этаже еле капает',
    'в подъезде выбиты окна и сломана входная дверь, сквозняк по всем этажам',
    'электричество отключают каждый вечер без предупреждения',
    'после капремонта крыши квартиры на последнем этаже заливает при каждом дожде',
  ],
  yard: [
    'во дворе дома {n} по улице {street} уже неделю не вывозят мусор, контейнеры переполнены',
    'на детской площадке сломана горка и из скамеек торчат гвозди',
    'тротуар вдоль улицы {street} не чистят от снега, люди идут по проезжей части',
    'во дворе не горят фонари, вечером страшно выходить из подъезда',
    'у подъезда огромная наледь, за неделю уже двое соседей упали',
    'старый тополь во дворе наклонился над детской площадкой и может упасть',
    'контейнерную площадку перенесли прямо под окна жилого дома',
    'после ремонта теплотрассы двор так и оставили перекопанным',
  ],
  roads: [
    'на улице {street} возле дома {n} яма во всю полосу, машины пробивают колёса',
    'автобус маршрута {n} ходит раз в час и вечно опаздывает',
    'на перекрёстке у школы не работает светофор, дети переходят как придётся',
    'дорогу к посёлку размыло, скорая не может проехать',
    'вдоль трассы нет ни одного пешеходного перехода на два километра',
    'отменили пригородную электричку, на работу теперь не добраться',
    'остановку перенесли, а новую так и не оборудовали, люди ждут под дождём',
  ],
  health: [
    'в поликлинике на улице {street} невозможно записаться к терапевту, талонов нет на две недели',
    'скорую к пожилой маме ждали больше полутора часов',
    'в аптеке при больнице второй месяц нет льготного инсулина',
    'в районной больнице нет детского врача, ездим за сто километров',
    'в регистратуре никто не берёт трубку, дозвониться невозможно',
    'анализы потеряли дважды, приходится сдавать заново',
  ],
  school: [
    'в школе номер {n} в классах холодно, дети сидят в верхней одежде',
    'в детском саду не хватает воспитателей, группы переполнены',
    'школьный автобус перестал ходить до нашей деревни',
    'в столовой школы детей кормят остывшей едой',
    'очередь в детский сад растянулась на три года',
  ],
  social: [
    'пособие на ребёнка не пришло второй месяц, в соцзащите ничего не объясняют',
    'многодетной семье отказали в компенсации за коммунальные услуги без объяснения причин',
    'инвалиду первой группы уже год не могут выдать коляску',
    'пенсию пересчитали, и она стала меньше, чем была',
    'ветерану не привезли положенный уголь на зиму',
  ],
  ecology: [
    'за гаражами снова устроили свалку строительного мусора и по вечерам его жгут',
    'с завода на окраине ночью идёт едкий дым, дышать невозможно',
    'в реку у моста сливают что-то мутное, рыба всплывает',
    'вырубают лес у посёлка, говорят, под коттеджи',
  ],
  safety: [
    'в подвале дома {n} сильно пахнет газом, соседи боятся заходить в подъезд',
    'во дворе стая бездомных собак бросается на детей',
    'с крыши свисают огромные сосульки прямо над входом в магазин',
    'в заброшенном здании на улице {street} собираются подростки и жгут костры',
    'на льду пруда каждый день катаются дети, а лёд уже трещит',
    'ночью возле дома {n} был пожар, пожарные ехали сорок минут',
  ],
  economy: [
    'на предприятии третий месяц задерживают зарплату',
    'в центре занятости предлагают только вакансии с зарплатой ниже прожиточного минимума',
    'в посёлке закрыли единственный магазин, за хлебом ездим в район',
    'цены на рынке выросли вдвое за полгода, а проверок никаких',
  ],
  culture: [
    'в доме культуры отменили бесплатные кружки для школьников',
    'стадион на улице {street} закрыт на ремонт уже третий год',
    'в библиотеке протекает крыша и портятся книги',
    'спортивную площадку у школы заняли под парковку',
  ],
};

const QUESTIONS = [
  'Подскажите, когда начнут ремонт дороги на улице {street}?',
  'Скажите, пожалуйста, куда обращаться, если управляющая компания не отвечает?',
  'Когда дадут горячую воду в доме {n}?',
  'Будет ли в этом году ремонт поликлиники?',
  'Как записать ребёнка в кружок при доме культуры?',
  'Почему до сих пор не вывезли мусор на улице {street}?',
  'Где можно узнать график отключения воды?',
  'Когда откроют новую школу в микрорайоне?',
  'Можно ли получить компенсацию за испорченную технику после скачка напряжения?',
];

const SUGGESTIONS = [
  'Предлагаю поставить на перекрёстке у дома {n} светофор, там каждую неделю аварии.',
  'Давайте сделаем велодорожку вдоль набережной, многие ездят на работу на велосипеде.',
  'Предлагаю установить во дворах камеры, чтобы ловить тех, кто выбрасывает мусор мимо контейнеров.',
  'Было бы хорошо продлить маршрут автобуса {n} до нового микрорайона.',
  'Предлагаю высадить деревья вдоль улицы {street} вместо вырубленных.',
  'Хорошо бы открыть в посёлке хотя бы фельдшерский пункт.',
];

const GRATITUDE = [
  'Спасибо большое коммунальщикам, трубу починили за один день!',
  'Благодарю администрацию за новую детскую площадку во дворе, дети в восторге.',
  'Огромное спасибо врачам районной больницы за внимательное отношение к маме.',
  'Спасибо, что так быстро убрали снег на нашей улице.',
  'Хочу поблагодарить водителя автобуса {n}, дождался пожилую женщину и помог ей сесть.',
  'Дорогу на улице {street} отремонтировали качественно, спасибо!',
];

const SPAM = [
  'Заработок от 5000 в день без вложений, пишите в личку!!!',
  'Кредит без справок и поручителей за 15 минут, звоните прямо сейчас',
  'Продаю гараж недорого, подробности по ссылке в профиле',
  'Подписывайтесь на наш канал, там розыгрыш айфона каждую неделю',
  'Ставки на спорт с гарантией выигрыша, переходи по ссылке',
];

const CHATTER = [
  'Ну-ну, посмотрим.',
  'Опять двадцать пять.',
  'Кто-нибудь был вчера на концерте в парке?',
  'Красивое фото, это где?',
  '+',
  'Согласна с предыдущим комментарием.',
  'Хорошая погода сегодня.',
];

const OPENINGS = [
  'Здравствуйте!',
  'Добрый день.',
  'Добрый вечер, уважаемая администрация.',
  'Уважаемый глава района,',
  '[id{n}|Светлана], здравствуйте,',
  'Пишу уже третий раз.',
  'Обращаемся от имени жильцов всего подъезда.',
  'Помогите, пожалуйста!',
  '',
  '',
];

const CLOSINGS_BY_INTENT = {
  complaint: [
    'Прошу принять меры.',
    'Сколько можно это терпеть?!',
    'Просим разобраться и сообщить о результатах.',
    'Диспетчерская трубку не берёт.',
    'Это просто безобразие!!!',
    'Жалобы в управляющую компанию ни к чему не привели.',
    '',
  ],
  question: ['Когда это исправят?', 'Кто за это отвечает?', 'Будут ли какие-то меры?'],
} as const;

const DETAILS = [
  'Фото прилагаю.',
  'Ситуация повторяется каждый год.',
  'Заявку в диспетчерскую подавали {n} дней назад.',
  'В прошлом году обещали всё сделать к лету.',
  'В доме живут пожилые люди и маленькие дети.',
  'Номер обращения в управляющей компании {n}.',
  'Соседи подтвердят.',
];

const STREETS = [
  'Ленина',
  'Садовой',
  'Мира',
  'Гагарина',
  'Советской',
  'Школьной',
  'Набережной',
  'Молодёжной',
  'Заречной',
  'Кирова',
  'Лесной',
  'Пролетарской',
  'Чкалова',
  'Строителей',
];

const TOPICS = Object.keys(PROBLEMS);
export const REGION_CODES: readonly string[] = allRegions().map((r) => r.code);

export interface TextGenerator {
  /** A comment text and the intent it was written with. */
  next(): { text: string; intent: Intent };
}

/** Intent mix of a busy official page: mostly complaints and questions, some thanks, spam and chatter. */
const INTENT_WEIGHTS: readonly [Intent, number][] = [
  ['complaint', 0.5],
  ['question', 0.17],
  ['suggestion', 0.07],
  ['gratitude', 0.1],
  ['spam', 0.06],
  ['chatter', 0.1],
];

export function createTextGenerator(seed: number): TextGenerator {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const fill = (s: string) =>
    s
      .replace(/\{n\}/g, () => String(1 + Math.floor(rnd() * 120)))
      .replace(/\{street\}/g, () => pick(STREETS));
  const intentOf = (): Intent => {
    let r = rnd();
    for (const [intent, weight] of INTENT_WEIGHTS) {
      r -= weight;
      if (r < 0) return intent;
    }
    return 'complaint';
  };
  const problem = () => fill(pick(PROBLEMS[pick(TOPICS)] as readonly string[]));
  const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

  return {
    next() {
      const intent = intentOf();
      const parts: string[] = [];
      switch (intent) {
        case 'complaint': {
          const opening = fill(pick(OPENINGS));
          parts.push(opening, opening.endsWith(',') ? problem() + '.' : capitalised(problem()) + '.');
          // Length spread: a fifth stop at one problem, some ramble over several paragraphs.
          const r = rnd();
          if (r > 0.2) parts.push(fill(pick(DETAILS)));
          if (r > 0.45) parts.push(capitalised(problem()) + '.');
          if (r > 0.75)
            parts.push(fill(pick(DETAILS)), '\n\n' + capitalised(problem()) + '.', fill(pick(DETAILS)));
          parts.push(pick(rnd() < 0.7 ? CLOSINGS_BY_INTENT.complaint : CLOSINGS_BY_INTENT.question));
          break;
        }
        case 'question':
          if (rnd() < 0.5) parts.push(fill(pick(OPENINGS)));
          parts.push(fill(pick(QUESTIONS)));
          if (rnd() < 0.5) parts.push(capitalised(problem()) + '.');
          if (rnd() < 0.3) parts.push(fill(pick(DETAILS)));
          break;
        case 'suggestion':
          parts.push(fill(pick(OPENINGS)), fill(pick(SUGGESTIONS)));
          break;
        case 'gratitude':
          parts.push(fill(pick(GRATITUDE)));
          break;
        case 'spam':
          parts.push(pick(SPAM));
          break;
        case 'chatter':
          parts.push(pick(CHATTER));
          break;
      }
      let text = parts.filter((p) => p !== '').join(' ');
      // Collectors sometimes cut long comments; people sometimes shout.
      if (intent === 'complaint' && rnd() < 0.05) text = text.slice(0, 50 + Math.floor(rnd() * 50));
      if (rnd() < 0.03) text = text.toUpperCase();
      return { text, intent };
    },
  };
}

const PLATFORMS: readonly Platform[] = ['VK', 'VK', 'VK', 'OK', 'TELEGRAM', 'TELEGRAM', 'MAX', 'WEB'];

export interface CommentFactory {
  /** A citizen's new comment posted at `postedAt`, with a fresh id unique within this factory's run. */
  comment(postedAt: number): CommentEvent;
  /** An official's reply to `parent`, posted at `postedAt`. */
  reply(parent: CommentEvent, postedAt: number): CommentEvent;
  /** The delete event of `comment`. */
  deletion(comment: CommentEvent, at: number): CommentEvent;
}

/** Builds CommentEvents over all regions and platforms; ids carry `runId` so runs never collide. */
export function createCommentFactory(runId: string, seed: number): CommentFactory {
  const rnd = seededRandom(seed ^ 0x5bd1e995);
  const texts = createTextGenerator(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  let seq = 0;
  return {
    comment(postedAt) {
      const id = `${runId}-${(++seq).toString(36)}`;
      const region = pick(REGION_CODES);
      return {
        event_id: `${id}-p`,
        op: 'POSTED',
        platform: pick(PLATFORMS),
        comment_id: id,
        thread_id: `post-${region}-${Math.floor(rnd() * 40)}`,
        parent_comment_id: null,
        page_id: `page-${region}-${Math.floor(rnd() * 5)}`,
        region,
        municipality: rnd() < 0.6 ? `mo-${region}-${Math.floor(rnd() * 30)}` : null,
        author: {
          id: `u${Math.floor(rnd() * 1e9).toString(36)}`,
          kind: rnd() < 0.97 ? 'CITIZEN' : 'UNKNOWN',
        },
        text: texts.next().text,
        posted_at: postedAt,
        url: rnd() < 0.5 ? `https://example.org/wall/${region}/${id}` : null,
      };
    },
    reply(parent, postedAt) {
      const id = `${parent.comment_id}-r`;
      return {
        ...parent,
        event_id: `${id}-p`,
        comment_id: id,
        parent_comment_id: parent.comment_id,
        author: { id: `official-${parent.page_id}`, kind: 'OFFICIAL' },
        text: 'Здравствуйте! Ваше обращение передано ответственной службе, о результатах сообщим в комментариях.',
        posted_at: postedAt,
        url: null,
      };
    },
    deletion(comment, at) {
      return { ...comment, event_id: `${comment.comment_id}-d`, op: 'DELETED', text: '', posted_at: at };
    },
  };
}
