/**
 * The detector on small hand-written streams (docs/incidents.md#method): each case is one reason the
 * bench missed or invented incidents, written so that the old behaviour fails it.
 */
import { describe, expect, it } from 'vitest';
import { HourlyBaseline } from '../../../../services/core/incidents/baseline.js';
import { featuresOf } from '../../../../services/core/incidents/features.js';
import {
  IncidentDetector,
  type DetectorComment,
  type DetectorEvent,
} from '../../../../services/core/incidents/index.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 10, 0, 0, 0);

let seq = 0;
function comment(
  text: string,
  at: number,
  place: { region?: string; municipality?: string | null; category?: string; author?: string } = {},
): DetectorComment {
  const id = `c${++seq}`;
  const municipality = place.municipality === undefined ? 'Майма' : place.municipality;
  return {
    key: `VK:${id}`,
    commentId: id,
    op: 'POSTED',
    authorId: place.author ?? `a${seq}`,
    authorKind: 'CITIZEN',
    pageId: municipality === null ? 'gov' : `adm-${municipality}`,
    threadId: `post-${seq % 7}`,
    region: place.region ?? '04',
    municipality,
    text,
    postedAt: Math.round(at),
    category: place.category ?? 'housing_utilities',
    type: 'complaint',
    spam: false,
  };
}

/** Six hours of unrelated complaints in other towns of the region, a few an hour: the detector's past. */
function background(): DetectorComment[] {
  const towns = ['Горно-Алтайск', 'Чемал', 'Турочак'];
  const texts = [
    'Яма на дороге у школы, пробили колесо',
    'Во дворе не убирают снег уже неделю',
    'В поликлинике нет талонов к терапевту',
    'Детская площадка сломана, качели висят',
    'Опять подняли тарифы, а подъезд не ремонтируют',
    'Фонари во дворе не горят, вечером темно',
  ];
  const out: DetectorComment[] = [];
  for (let i = 0; i < 36; i++)
    out.push(
      comment(texts[i % texts.length] as string, T0 + i * 10 * MINUTE, {
        municipality: towns[i % towns.length] as string,
        category: i % 2 ? 'urban_improvement' : 'roads_transport',
      }),
    );
  // The town appears once, so the gazetteer knows it (a page reported it as a municipality).
  out.push(comment('Когда починят крышу в школе?', T0 + 5 * HOUR, { category: 'education' }));
  return out;
}

function run(comments: DetectorComment[]): DetectorEvent[] {
  const detector = new IncidentDetector();
  const out: DetectorEvent[] = [];
  for (const c of [...comments].sort((a, b) => a.postedAt - b.postedAt)) out.push(...detector.process(c));
  return out;
}

function membersOf(events: DetectorEvent[], id: string): Set<string> {
  return new Set(events.filter((e) => e.incident_id === id).flatMap((e) => e.comment_ids));
}

describe('HourlyBaseline', () => {
  it('counts a key from the start of the stream, not from its own first comment', () => {
    const b = new HourlyBaseline(1 / 24, 0);
    b.count('town', T0); // the stream starts
    for (let i = 0; i < 4; i++) b.count('street', T0 + 9 * HOUR + i * MINUTE);
    // Four comments in the tenth hour of a ten-hour history: 0.4 an hour, not 4.
    expect(b.learnedPerHour('street', T0 + 10 * HOUR)).toBeCloseTo(0.4, 5);
  });

  it('gives the rate learned before a window, so a burst inside the window does not raise it', () => {
    const b = new HourlyBaseline(1 / 24, 0);
    for (let h = 0; h < 8; h++) b.count('k', T0 + h * HOUR + MINUTE);
    for (let i = 0; i < 20; i++) b.count('k', T0 + 8 * HOUR + i * MINUTE);
    const now = T0 + 9 * HOUR + MINUTE;
    expect(b.learnedPerHour('k', now)).toBeCloseTo(28 / 9, 5);
    expect(b.learnedPerHour('k', now, T0 + 8 * HOUR + 30 * MINUTE)).toBeCloseTo(1, 5);
    expect(b.perHour('k', now, T0 + 8 * HOUR + 30 * MINUTE)).toBeCloseTo(1, 5);
    // Asked about a time before the key was first counted: nothing learned yet.
    b.count('late', T0 + 8 * HOUR + MINUTE);
    expect(b.learnedPerHour('late', now)).toBeCloseTo(1 / 9, 5);
    expect(b.learnedPerHour('late', now, T0 + 3 * HOUR)).toBe(0);
  });
});

describe('featuresOf: streets without a marker', () => {
  it('reads «На Мира» at a sentence start and «Советской 76» before a house number', () => {
    expect(featuresOf('На Мира прорвало канализацию').street).toBe(featuresOf('улица Мира').street);
    expect(featuresOf('Мусор не вывозили, Советской 76, крысы бегают').street).toBe(
      featuresOf('ул. Советской').street,
    );
    expect(featuresOf('Кредит за 5 минут! Звони +7 913 555-12-34').street).toBeNull();
    expect(featuresOf('Наконец-то всё сделали').street).toBeNull();
  });
});

describe('IncidentDetector', () => {
  const burstAt = T0 + 7 * HOUR;

  it('groups one street’s complaints worded apart and filed under two categories into one incident', () => {
    const burst = [
      comment('На Гагарина нет воды с самого утра', burstAt),
      comment('Прорвало трубу на Гагарина, хлещет прямо на дорогу', burstAt + 6 * MINUTE, {
        category: 'safety_emergency',
      }),
      comment('Водоканал, вы где? На Гагарина с утра сидим', burstAt + 11 * MINUTE),
      comment('Третий час сухие краны, дом 5 по улице Гагарина', burstAt + 17 * MINUTE, {
        category: 'safety_emergency',
      }),
      comment('Подскажите, надолго отключили на Гагарина? Детей купать нечем', burstAt + 25 * MINUTE),
      comment('Гагарина 14, ни объявления, ни подвоза, безобразие', burstAt + 33 * MINUTE),
    ];
    const events = run([...background(), ...burst]);
    const opened = events.filter((e) => e.kind === 'OPENED' && e.type === 'incident');
    expect(opened).toHaveLength(1);
    const members = membersOf(events, opened[0]!.incident_id);
    expect(burst.filter((c) => members.has(c.key)).length).toBeGreaterThanOrEqual(5);
    expect([...members].every((k) => burst.some((c) => c.key === k))).toBe(true);
  });

  it('finds the town named in a region page’s text although its stem there has another ending', () => {
    const burst = [
      comment('На Гагарина нет воды с самого утра', burstAt),
      comment('В Майме на Гагарина нет воды, сколько можно', burstAt + 5 * MINUTE, { municipality: null }),
      comment('Майма: на Гагарина без воды с утра', burstAt + 9 * MINUTE, { municipality: null }),
      comment('На Гагарина нет воды, когда дадут?', burstAt + 14 * MINUTE),
      comment('В Майме на Гагарина опять нет воды', burstAt + 20 * MINUTE, { municipality: null }),
    ];
    const events = run([...background(), ...burst]);
    const opened = events.filter((e) => e.kind === 'OPENED');
    expect(opened).toHaveLength(1);
    expect(opened[0]!.municipality).toBe('Майма');
    expect(membersOf(events, opened[0]!.incident_id).size).toBe(5);
  });

  it('does not open on a town’s chronic complaints, each about another street, at a steady rate', () => {
    const streets = ['Ленина', 'Мира', 'Кирова', 'Садовой', 'Лесной', 'Школьной', 'Победы', 'Рабочей'];
    const templates = [
      'Яма на {s} у дома {n}, пробил колесо',
      'Дорога на {s} разбита, ремонт развалился',
      'Когда отремонтируют дорогу на {s}? Сплошные ямы',
      'Тротуар на {s} весь в выбоинах, с коляской не пройти',
      'На {s} нет разметки, перехода не видно',
      'Опять пробки на {s}, светофоры настроены ужасно',
    ];
    const chronic: DetectorComment[] = [];
    for (let i = 0; i < 60; i++) {
      const text = (templates[i % templates.length] as string)
        .replace('{s}', streets[(i * 5) % streets.length] as string)
        .replace('{n}', String(i + 1));
      chronic.push(comment(text, T0 + i * 12 * MINUTE, { category: 'roads_transport' }));
    }
    const events = run([...background(), ...chronic]);
    expect(events.filter((e) => e.kind === 'OPENED' && e.type === 'incident')).toEqual([]);
  });

  it('takes a burst of short questions beside an open incident of its town into that incident', () => {
    const burst = [
      comment('Батареи ледяные, дом 3 по Кирова, в квартире плюс пятнадцать', burstAt),
      comment('На Кирова отключили отопление, дети мёрзнут', burstAt + 4 * MINUTE),
      comment('Нет отопления в домах на улице Кирова', burstAt + 8 * MINUTE),
      comment('Холодные батареи с ночи, ул. Кирова 7', burstAt + 12 * MINUTE),
      comment('Сидим в куртках, отопления нет, Кирова 12', burstAt + 15 * MINUTE),
    ];
    const questions = [0, 1, 2, 3, 4].map((i) =>
      comment('Когда включат отопление?', burstAt + (20 + 3 * i) * MINUTE, { municipality: null }),
    );
    const events = run([...background(), ...burst, ...questions]);
    const opened = events.filter((e) => e.kind === 'OPENED');
    expect(opened).toHaveLength(1);
    const members = membersOf(events, opened[0]!.incident_id);
    expect(questions.filter((c) => members.has(c.key)).length).toBe(questions.length);
  });
});

describe('IncidentDetector: one problem, once', () => {
  const burstAt = T0 + 7 * HOUR;

  it('does not open on a group of complaints sharing a stock clause but filed under many categories', () => {
    const topics: [string, string][] = [
      ['В поликлинике нет талонов', 'healthcare'],
      ['Тарифы опять подняли', 'housing_utilities'],
      ['В садике нет мест', 'education'],
      ['Свалка у реки горит', 'ecology'],
      ['Зарплату задерживают', 'economy_labor'],
      ['Автобус не ходит', 'roads_transport'],
      ['Стадион закрыт', 'culture_sport'],
      ['Пособие не пришло', 'social_protection'],
    ];
    const spread = topics.map(([text, category], i) =>
      comment(
        `${text}. В прошлом году обещали всё сделать к лету, заявку подавали давно`,
        burstAt + i * 4 * MINUTE,
        {
          category,
        },
      ),
    );
    expect(run([...background(), ...spread]).filter((e) => e.kind === 'OPENED')).toEqual([]);
    // The same clause from people writing about one thing (one category) is a burst.
    const focused = topics.map(([text], i) =>
      comment(
        `${text}. В прошлом году обещали всё сделать к лету, заявку подавали давно`,
        burstAt + i * 4 * MINUTE,
        {
          category: 'housing_utilities',
        },
      ),
    );
    expect(run([...background(), ...focused]).filter((e) => e.kind === 'OPENED')).toHaveLength(1);
  });

  it('takes a burst sharing a word with an open incident of its town, at the same hours, into it', () => {
    const flood = [
      comment('Улицу Пушкина затопило, машины стоят в воде', burstAt),
      comment('На Пушкина у дома 37 вода по колено, не пройти', burstAt + 3 * MINUTE),
      comment('Затопило подземный переход на Пушкина, вода стоит', burstAt + 6 * MINUTE),
      comment('Пушкина вся в воде, ливнёвка забита', burstAt + 9 * MINUTE),
      comment('Вода по колено на Пушкина 12, как идти на работу', burstAt + 12 * MINUTE),
    ];
    const questions = [0, 1, 2, 3, 4, 5].map((i) =>
      comment('Когда откачают воду? Автобусы объезжают, маршрутки не ходят', burstAt + (30 + 4 * i) * MINUTE),
    );
    const events = run([...background(), ...flood, ...questions]);
    const opened = events.filter((e) => e.kind === 'OPENED');
    expect(opened).toHaveLength(1);
    const members = membersOf(events, opened[0]!.incident_id);
    expect(questions.filter((c) => members.has(c.key)).length).toBe(questions.length);
  });
});
