import type { CommentEvent } from '../../services/core/contracts/schema-types.generated.js';

const MIN = 60_000;

/** Written for these tests: a main broke on one street of Бердск, twelve people write within an hour. */
const BURST = [
  'На улице Ленина нет воды с самого утра',
  'Третий час без воды, дом 5 по улице Ленина',
  'Когда дадут воду на улице Ленина?',
  'Отключили холодную воду на улице Ленина, никто не предупредил',
  'У нас на улице Ленина сухие краны, что случилось с водой?',
  'Нет воды на Ленина 12, когда включат воду?',
  'Прорыв трубы на улице Ленина, вода не идёт с утра',
  'Без воды весь квартал по улице Ленина, дети дома',
  'Улица Ленина дом 30, воды нет, где водовоз?',
  'Сколько ещё ждать воду на улице Ленина?',
  'Ленина 44 без воды уже шесть часов',
  'Почему на улице Ленина нет воды и никто не отвечает',
];

/** What happens anyway: unrelated comments over other places and topics. */
const BACKGROUND = [
  'Спасибо за новую детскую площадку во дворе!',
  'Когда отремонтируют дорогу на выезде из города?',
  'В поликлинике снова очередь к терапевту на две недели',
  'Автобус номер 7 опять не пришёл по расписанию',
  'Когда уберут мусор с контейнерной площадки?',
  'В школе не работает отопление в спортзале',
  'Фонари во дворе не горят уже месяц',
  'Ямы на дороге у рынка никто не засыпает',
];

/**
 * A stream of comment events, in posted_at order: background from `from` on (other regions and
 * municipalities), then the burst starting 40 minutes in. `burst` says which burst members to include
 * (all by default), so a test can send the first part, then the rest.
 */
export function incidentStream(
  from: number,
  tag: string,
  part: 'all' | 'first' | 'rest' = 'all',
): CommentEvent[] {
  const events: CommentEvent[] = [];
  const background = (i: number): CommentEvent =>
    event(`${tag}-bg-${i}`, BACKGROUND[i % BACKGROUND.length] as string, from + i * 4 * MIN, {
      region: i % 2 === 0 ? '55' : '54',
      municipality: i % 2 === 0 ? 'Омск' : 'Новосибирск',
      author: `${tag}-bg-author-${i}`,
    });
  const burst = (i: number): CommentEvent =>
    event(`${tag}-burst-${i}`, BURST[i] as string, from + 40 * MIN + i * 3 * MIN, {
      region: '54',
      municipality: 'Бердск',
      author: `${tag}-resident-${i}`,
      page: i % 2 === 0 ? 'berdsk-admin' : 'berdsk-mayor',
    });
  const half = BURST.length / 2;
  if (part !== 'rest') for (let i = 0; i < 10; i++) events.push(background(i));
  for (let i = part === 'rest' ? half : 0; i < (part === 'first' ? half : BURST.length); i++)
    events.push(burst(i));
  return events.sort((a, b) => a.posted_at - b.posted_at);
}

/** The burst's member keys of a stream made by incidentStream. */
export function burstKeys(tag: string): string[] {
  return BURST.map((_, i) => `VK:${tag}-burst-${i}`);
}

function event(
  id: string,
  text: string,
  at: number,
  o: { region: string; municipality: string; author: string; page?: string },
): CommentEvent {
  return {
    event_id: `${id}-e`,
    op: 'POSTED',
    platform: 'VK',
    comment_id: id,
    thread_id: `${o.page ?? 'page'}-post`,
    parent_comment_id: null,
    page_id: o.page ?? `page-${o.region}`,
    region: o.region,
    municipality: o.municipality,
    author: { id: o.author, kind: 'CITIZEN' },
    text,
    posted_at: at,
    url: `https://vk.com/${o.page ?? `page-${o.region}`}?reply=${id}`,
  };
}

/** Written for these tests: one appeal copied with small edits by many fresh accounts. */
const CAMPAIGN_TEXT =
  'Требуем немедленно отменить повышение тарифов на вывоз мусора для жителей области, это грабёж пенсионеров';

/**
 * A campaign: `authors` accounts post the same appeal (a word changed here and there) on two pages of
 * two regions, a minute and a half apart, after the background of incidentStream.
 */
export function campaignStream(from: number, tag: string, authors = 24): CommentEvent[] {
  const events: CommentEvent[] = [];
  for (let i = 0; i < 10; i++)
    events.push(
      event(`${tag}-bg-${i}`, BACKGROUND[i % BACKGROUND.length] as string, from + i * 4 * MIN, {
        region: '55',
        municipality: 'Омск',
        author: `${tag}-bg-author-${i}`,
      }),
    );
  for (let i = 0; i < authors; i++) {
    const text = i % 3 === 0 ? CAMPAIGN_TEXT.replace('немедленно', 'срочно') : CAMPAIGN_TEXT;
    events.push(
      event(`${tag}-camp-${i}`, `${text}${i % 2 === 0 ? '!' : ''}`, from + 40 * MIN + i * 90_000, {
        region: i % 2 === 0 ? '54' : '55',
        municipality: i % 2 === 0 ? 'Новосибирск' : 'Омск',
        author: `${tag}-fresh-${i}`,
        page: i % 2 === 0 ? 'nsk-admin' : 'omsk-admin',
      }),
    );
  }
  return events.sort((a, b) => a.posted_at - b.posted_at);
}

/** The campaign's member keys of a stream made by campaignStream. */
export function campaignKeys(tag: string, authors = 24): string[] {
  return Array.from({ length: authors }, (_, i) => `VK:${tag}-camp-${i}`);
}
