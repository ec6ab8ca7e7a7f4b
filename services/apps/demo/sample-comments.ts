/**
 * Sample comments for the demo, written by the Otklik team (not taken from any data set). Each entry is a
 * citizen's comment under an official page; `reply` makes an official answer it after some seconds.
 */
export interface SampleComment {
  region: string;
  municipality: string | null;
  page: string;
  text: string;
  /** Seconds after the comment when an official replies; absent: nobody replies. */
  replyAfterSec?: number;
  /** The reply reaches the stream before the comment itself (collectors do not order platforms). */
  replyFirst?: boolean;
  /** The author deletes the comment after this many seconds. */
  deleteAfterSec?: number;
  /** Sent as JSON instead of Avro, as producers that cannot do Avro may. */
  asJson?: boolean;
  /** Operator actions on the appeal (issue #16), as `otklik act` sends them, seconds after the comment. */
  actions?: SampleAction[];
  /** The citizen writes again under the official reply, seconds after the comment (needs `replyAfterSec`). */
  followUp?: { afterSec: number; text: string; why: string };
}

export interface SampleAction {
  afterSec: number;
  /** The action's name as `otklik act` takes it: paused, resumed, resolved, reclassified, ... */
  action: string;
  /** `otklik act`'s options: --reason, --priority, ... */
  options?: { reason?: string; priority?: 'critical' | 'high' | 'normal' | 'low'; note?: string };
  /** Sent a second time with the same action id (a retry): applied once. */
  resend?: boolean;
  /** What the demo expects to happen, printed beside the send. */
  why: string;
}

export const SAMPLE_COMMENTS: SampleComment[] = [
  {
    region: '54',
    municipality: 'Новосибирск',
    page: 'mayor-nsk',
    text: 'Третий день нет горячей воды в доме на улице Лесной, 14. Управляющая компания трубку не берёт. Когда дадут воду?',
    replyAfterSec: 4,
    // The reply is a bare acknowledgement: it ends the first reply and starts the final answer, which
    // nobody gives, so its final-answer WARNING, BREACH and ESCALATION come.
    followUp: {
      afterSec: 9,
      text: 'Воды так и нет, а в ответе только «передано». Когда дадут горячую воду?',
      why: "the citizen writes again under the reply: the appeal's next reply starts (NEXT_REPLY alerts)",
    },
  },
  {
    region: '55',
    municipality: 'Омск',
    page: 'omsk-admin',
    text: 'В подъезде сильно пахнет газом, соседи вызвали аварийную службу, но никто так и не приехал!',
  },
  {
    region: '38',
    municipality: 'Иркутск',
    page: 'irk-gov',
    text: 'Спасибо администрации за новую детскую площадку во дворе на Байкальской, дети в восторге!',
  },
  {
    region: '77',
    municipality: null,
    page: 'mos-roads',
    text: 'Когда наконец отремонтируют дорогу на Садовой? Ямы такие, что колёса пробиваем каждую неделю.',
    replyAfterSec: 30,
  },
  {
    region: '78',
    municipality: 'Санкт-Петербург',
    page: 'spb-gov',
    text: 'Во дворе дома 5 по Гражданскому проспекту неделю не убирают снег, пожилые соседи не могут выйти на улицу.',
  },
  {
    region: '46',
    municipality: 'Курск',
    page: 'kursk-health',
    text: 'Почему в поликлинике на Ленина запись к терапевту только через три недели? Как попасть к врачу раньше?',
    replyAfterSec: 6,
    replyFirst: true,
  },
  {
    region: '92',
    municipality: 'Севастополь',
    page: 'sev-gov',
    text: 'Предлагаю сделать пешеходный переход со светофором у школы на Острякова, дети перебегают дорогу.',
    asJson: true,
  },
  {
    region: '02',
    municipality: 'Уфа',
    page: 'ufa-admin',
    text: 'Заработок от 5000 рублей в день без вложений!!! Пиши в личку, ссылка в профиле, места ограничены',
  },
  {
    region: '24',
    municipality: 'Красноярск',
    page: 'krsk-admin',
    text: 'В квартире холодно, батареи еле тёплые, а на улице минус двадцать пять. Ребёнок уже заболел.',
  },
  {
    region: '22',
    municipality: 'Барнаул',
    page: 'brn-city',
    text: 'Когда вывезут мусор с контейнерной площадки на улице Мира? Баки переполнены уже пятый день, вокруг крысы.',
    deleteAfterSec: 3,
  },
  {
    region: '54',
    municipality: 'Бердск',
    page: 'mayor-nsk',
    text: 'Автобус 45-го маршрута с утра не ходит, люди по часу мёрзнут на остановке. Что случилось?',
    replyAfterSec: 25,
  },
  {
    region: '66',
    municipality: 'Екатеринбург',
    page: 'ekb-edu',
    text: 'В детский сад на Уралмаше очередь не двигается второй год. Куда обращаться, чтобы получить место?',
    actions: [
      {
        afterSec: 3,
        action: 'paused',
        options: { reason: 'agency', note: 'запрос в управление образования' },
        why: 'the first-reply clock stops: no alert while paused',
      },
      {
        afterSec: 30,
        action: 'resumed',
        why: 'the clock runs again, its deadline later by the pause',
      },
    ],
  },
  {
    region: '61',
    municipality: 'Ростов-на-Дону',
    page: 'rnd-social',
    text: 'Маме не пришла пенсия за ноябрь, в соцзащите говорят ждать. Сколько можно ждать?',
    replyAfterSec: 5,
    actions: [
      {
        afterSec: 9,
        action: 'paused',
        options: { reason: 'citizen', note: 'нужен номер СНИЛС' },
        why: 'the final answer waits for the citizen: paused to the end, no final-answer alert',
      },
    ],
  },
  {
    region: '42',
    municipality: 'Новокузнецк',
    page: 'nkz-city',
    text: 'Из труб завода опять валит чёрный дым, дышать невозможно, жалуемся уже месяц.',
  },
  {
    region: '16',
    municipality: 'Казань',
    page: 'kzn-culture',
    text: 'Подскажите, будет ли в этом году ёлка на центральной площади и новогодний концерт?',
    replyAfterSec: 8,
    actions: [{ afterSec: 12, action: 'resolved', why: 'the final answer, given in time' }],
  },
  {
    region: '23',
    municipality: 'Краснодар',
    page: 'krd-admin',
    text: 'Затопило подвал, вода прибывает, в доме отключили свет. Срочно нужна помощь!',
  },
  {
    region: '38',
    municipality: 'Ангарск',
    page: 'irk-gov',
    text: 'На улице Кирова вторую неделю не горят фонари, вечером идти с работы страшно.',
    actions: [
      {
        afterSec: 12,
        action: 'reclassified',
        options: { priority: 'critical', note: 'темно у школы' },
        resend: true,
        why: 'raised to critical, whose 10 s from the comment are past: BREACH at once, counted once',
      },
    ],
  },
  {
    region: '70',
    municipality: 'Томск',
    page: 'tomsk-city',
    text: 'Вы там все бездельники, только отчёты рисуете, а в городе бардак',
  },
];
