import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CATEGORY_SYMBOLS,
  COMMENT_TYPE_SYMBOLS,
  PRIORITY_SYMBOLS,
} from '../../../../services/core/contracts/schema-types.generated.js';
import { classify, CLASSIFIER_VERSION } from '../../../../services/core/classifier/index.js';

// Our own example sentences, one or more per concern. Never copied from labelled data.
const JANUARY_NOVOSIBIRSK = { postedAt: Date.UTC(2025, 0, 15, 6), region: '54' };
const JULY_NOVOSIBIRSK = { postedAt: Date.UTC(2025, 6, 15, 6), region: '54' };

describe('category', () => {
  const cases: Array<[string, string]> = [
    ['В квартире третий день нет горячей воды, управляющая компания молчит', 'housing_utilities'],
    ['Лифт в нашем подъезде опять застрял между этажами', 'housing_utilities'],
    ['Во дворе не вывозят мусор, контейнеры переполнены', 'urban_improvement'],
    ['На детской площадке сломаны качели', 'urban_improvement'],
    ['Не горят фонари вдоль аллеи в сквере', 'urban_improvement'],
    ['На дороге огромные ямы, асфальт разбит, машины ломаются', 'roads_transport'],
    ['Автобус 12 маршрута ходит раз в час и пропускает остановки', 'roads_transport'],
    ['В поликлинике невозможно записаться к терапевту, талонов нет', 'healthcare'],
    ['Не выдают льготные лекарства в аптеке уже месяц', 'healthcare'],
    ['В детском саду не хватает мест, очередь не движется', 'education'],
    ['Учитель в школе задаёт непосильные домашние задания', 'education'],
    ['Пособие на ребенка не пришло, в соцзащите не отвечают', 'social_protection'],
    ['За гаражами устроили несанкционированную свалку, по вечерам жгут мусор', 'ecology'],
    ['От птицефабрики невыносимая вонь на весь посёлок', 'ecology'],
    ['В соседнем доме пожар, вызвали МЧС', 'safety_emergency'],
    ['Работодатель третий месяц не платит зарплату', 'economy_labor'],
    ['У метро стихийная торговля с земли, продавцы занимают тротуар', 'economy_labor'],
    ['В доме культуры отменили концерт и закрыли библиотеку', 'culture_sport'],
    ['На стадионе не работает каток для хоккея, залить каток некому', 'culture_sport'],
    ['Стая бездомных собак бросается на прохожих', 'other'],
    ['Как вам погода сегодня?', 'other'],
  ];
  it.each(cases)('%s → %s', (text, expected) => {
    expect(classify({ text }).category).toBe(expected);
  });

  it('reads shouted and stretched text the same way', () => {
    expect(classify({ text: 'НЕТ ГОРЯЧЕЙ ВОДЫЫЫ!!!' }).category).toBe('housing_utilities');
    expect(classify({ text: 'Отопленние не включили' }).category).toBe('housing_utilities');
    expect(classify({ text: 'Во дворре не убиррают муссор' }).category).toBe('urban_improvement');
  });

  it('is not fooled by a landmark: a school named as a place is not about education', () => {
    expect(classify({ text: 'Напротив школы не горит фонарь' }).category).toBe('urban_improvement');
  });

  it('names the words that decided it', () => {
    const c = classify({ text: 'Сломан лифт в подъезде' });
    const features = c.evidence.filter((e) => e.concern === 'category').map((e) => e.feature);
    expect(features).toContain('housing_utilities:лифт*');
    expect(c.confidence).toBeGreaterThan(0.5);
    expect(c.version).toBe(CLASSIFIER_VERSION);
  });
});

describe('type', () => {
  it('a statement of a problem is a complaint', () => {
    expect(classify({ text: 'Во дворе огромная яма, машины ломаются' }).type).toBe('complaint');
  });

  it('negation flips meaning: "нет воды" is a complaint, "нет проблем" is not', () => {
    expect(classify({ text: 'Нет воды' }).type).toBe('complaint');
    expect(classify({ text: 'Лифт не работает' }).type).toBe('complaint');
    expect(classify({ text: 'Всё хорошо, нет проблем' }).type).not.toBe('complaint');
  });

  it('questions', () => {
    expect(classify({ text: 'Подскажите, когда включат отопление?' }).type).toBe('question');
    expect(classify({ text: 'Будет ли ремонт дороги в этом году' }).type).toBe('question');
  });

  it('suggestions', () => {
    expect(classify({ text: 'Предлагаю установить лавочки вдоль набережной' }).type).toBe('suggestion');
    expect(classify({ text: 'Было бы неплохо сделать велодорожку' }).type).toBe('suggestion');
  });

  it('gratitude, but a "thank you in advance" closing a complaint stays a complaint', () => {
    expect(classify({ text: 'Огромное спасибо за быстрый ремонт крыши!' }).type).toBe('gratitude');
    expect(classify({ text: 'Мусор не вывозят две недели. Заранее спасибо' }).type).toBe('complaint');
  });

  it('actionable means complaint, question or suggestion, and not spam', () => {
    expect(classify({ text: 'Нет воды третий день' }).actionable).toBe(true);
    expect(classify({ text: 'Спасибо большое, всё починили' }).actionable).toBe(false);
    expect(classify({ text: 'Хорошего всем дня' }).actionable).toBe(false);
  });
});

describe('priority', () => {
  it('a gas smell or a fire is critical', () => {
    expect(classify({ text: 'В подъезде сильно пахнет газом' }).priority).toBe('critical');
    expect(classify({ text: 'Пожар на третьем этаже, дым в подъезде' }).priority).toBe('critical');
  });

  it('no water for a building is critical; water back is not', () => {
    expect(classify({ text: 'Во всём доме нет воды с утра' }).priority).toBe('critical');
    expect(classify({ text: 'Воду дали, всё работает' }).priority).not.toBe('critical');
  });

  it('no heating is critical in the cold season of the region, not in summer', () => {
    const text = 'Нет отопления, в квартире холодно';
    expect(classify({ text, ...JANUARY_NOVOSIBIRSK }).priority).toBe('critical');
    expect(classify({ text, ...JULY_NOVOSIBIRSK }).priority).not.toBe('critical');
    expect(classify({ text, ...JANUARY_NOVOSIBIRSK }).evidence).toContainEqual({
      concern: 'priority',
      feature: 'heating_season',
      weight: 0,
    });
  });

  it('an open manhole or a child in danger is critical', () => {
    expect(classify({ text: 'Открытый люк во дворе, дети гуляют рядом' }).priority).toBe('critical');
  });

  it('a broken lift or traffic light is high', () => {
    expect(classify({ text: 'Лифт не работает неделю' }).priority).toBe('high');
    expect(classify({ text: 'Светофор не работает на перекрестке' }).priority).toBe('high');
  });

  it('gratitude and chatter are low', () => {
    expect(classify({ text: 'Спасибо за чистые улицы!' }).priority).toBe('low');
    expect(classify({ text: 'Всем доброе утро' }).priority).toBe('low');
  });
});

describe('toxicity', () => {
  it('flags insults and obscenity, also disguised', () => {
    expect(classify({ text: 'Ты дебил' }).toxic).toBe(true);
    expect(classify({ text: '[id1|Иван], ну ты и дeбuл' }).toxic).toBe(true);
    expect(classify({ text: 'иди нaxyй' }).toxic).toBe(true);
    expect(classify({ text: 'чиновники одни уроды' }).toxic).toBe(true);
  });

  it('leaves polite complaints alone', () => {
    expect(classify({ text: 'Уважаемые коммунальщики, почините кран' }).toxic).toBe(false);
    expect(classify({ text: 'Спасибо за ответ' }).toxic).toBe(false);
  });
});

describe('spam', () => {
  it('flags advertising with links or phones', () => {
    const c = classify({
      text: 'Заработок от 5000 в день без вложений! Пиши в ЛС или переходи http://earn.example.com',
    });
    expect(c.spam).toBe(true);
    expect(c.actionable).toBe(false);
    expect(c.priority).toBe('low');
  });

  it('a complaint that shows a link is not spam', () => {
    expect(classify({ text: 'Яма на дороге, фото тут https://photos.example.ru/1' }).spam).toBe(false);
  });

  it('handles texts with no Cyrillic at all', () => {
    const c = classify({ text: 'Best casino bonus!!! https://win.example.com https://win2.example.com' });
    expect(c.spam).toBe(true);
    expect(classify({ text: 'ok' }).category).toBe('other');
  });
});

describe('contract', () => {
  it('always returns valid enums and a confidence in 0..1, for any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const c = classify({ text });
        expect(CATEGORY_SYMBOLS).toContain(c.category);
        expect(COMMENT_TYPE_SYMBOLS).toContain(c.type);
        expect(PRIORITY_SYMBOLS).toContain(c.priority);
        expect(c.confidence).toBeGreaterThanOrEqual(0);
        expect(c.confidence).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic', () => {
    const text = 'Нет горячей воды, сколько можно?';
    expect(classify({ text })).toEqual(classify({ text }));
  });

  it('handles an empty text', () => {
    expect(classify({ text: '' }).category).toBe('other');
  });
});
