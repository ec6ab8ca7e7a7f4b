import { describe, expect, it } from 'vitest';
import { decideCategory } from '../../../../services/core/classifier/category.js';
import { classify } from '../../../../services/core/classifier/index.js';
import { categoryLexicon } from '../../../../services/core/classifier/lexicons.js';
import type { Match } from '../../../../services/core/classifier/matcher.js';

// Our own sentences for the category decision rules (docs/classifier.md, "Decisions").
const categoryOf = (text: string): string => classify({ text }).category;
const categoryFeatures = (text: string): string[] =>
  classify({ text })
    .evidence.filter((e) => e.concern === 'category')
    .map((e) => e.feature);

describe('a rare topic must beat the concrete municipal object by a margin', () => {
  it('a smell in a stairwell is a housing complaint, a smell over a pond is ecology', () => {
    expect(categoryOf('В подъезде сильно воняет, дышать нечем')).toBe('housing_utilities');
    expect(categoryOf('На берегу пруда гниёт рыба, стоит вонь')).toBe('ecology');
  });

  it('tap water that smells is about the water supply', () => {
    expect(categoryOf('Вода из-под крана тухлая, неприятный запах')).toBe('housing_utilities');
    expect(categoryOf('Из крана идёт горячая вода с неприятным запахом')).toBe('housing_utilities');
  });

  it('a pharmacy named as the place of a broken porch is not healthcare', () => {
    expect(categoryOf('Разбито крыльцо у входа в аптеку')).toBe('urban_improvement');
    expect(categoryOf('В аптеке нет льготных лекарств')).toBe('healthcare');
  });

  it('illegal advertising is improvement even when it hangs on a theatre poster', () => {
    expect(categoryOf('Незаконная реклама на афише театра')).toBe('urban_improvement');
    expect(categoryOf('В театре отменили спектакль')).toBe('culture_sport');
  });

  it('a dirty bin that stinks is about waste collection', () => {
    expect(categoryOf('Контейнер грязный, воняет, нужно промыть')).toBe('urban_improvement');
  });
});

describe('words that only look like a rare topic', () => {
  it('graffiti and illegal ads are cleaning work whatever they are stuck on', () => {
    expect(categoryOf('Граффити на дорожном знаке')).toBe('urban_improvement');
    expect(categoryOf('Реклама наклеена на светофор')).toBe('urban_improvement');
    expect(categoryOf('Светофор на перекрёстке не работает')).toBe('roads_transport');
  });

  it('a shop named as a landmark is not trade; trade itself is', () => {
    expect(categoryOf('Мусор возле Пятёрочки')).toBe('urban_improvement');
    expect(categoryOf('В магазине продают просроченные продукты')).toBe('economy_labor');
  });

  it('spoiled things are not consumer rights unless they are goods', () => {
    expect(categoryOf('Испорчен газон техникой')).toBe('urban_improvement');
    expect(categoryOf('Подоконник в подъезде испорчен')).toBe('housing_utilities');
  });

  it('«лицо» and «лицевой» are not a lyceum; «в лицее» is', () => {
    expect(categoryOf('Трещина в трубе, дефект налицо, в подвале течёт')).toBe('housing_utilities');
    expect(categoryOf('Ошибка в лицевом счёте за отопление')).toBe('housing_utilities');
    expect(categoryOf('В лицее отменили уроки физики')).toBe('education');
  });
});

describe('common objects that used to fall through', () => {
  const cases: Array<[string, string]> = [
    ['Водонапорная башня протекает', 'housing_utilities'],
    ['Третий месяц ждём технологического присоединения к сетям', 'housing_utilities'],
    ['Подоконник на лестнице разбит', 'housing_utilities'],
    ['На доме нет таблички с номером', 'housing_utilities'],
    ['Разбит тратуар у магазина', 'urban_improvement'],
    ['Световая опора наклонилась', 'urban_improvement'],
    ['Во дворе полная антисанитария', 'urban_improvement'],
    ['Горят одновременно зелёный и красный', 'roads_transport'],
    ['Не дают направление на лечебный массаж', 'healthcare'],
    ['Положена ли выплата детям войны?', 'social_protection'],
    ['Разрыто дорожное полотно', 'roads_transport'],
  ];
  it.each(cases)('%s → %s', (text, expected) => {
    expect(categoryOf(text)).toBe(expected);
  });

  it('«подъезд к» is an access road, «в подъезде» the stairwell', () => {
    expect(categoryOf('Подъезд к больнице не расчищен')).toBe('roads_transport');
    expect(categoryOf('Подъездная дорога к посёлку разбита')).toBe('roads_transport');
    expect(categoryOf('В подъезде к квартире грязно')).toBe('housing_utilities');
  });

  it('a damaged monument is culture even in a square with benches', () => {
    expect(categoryOf('Треснул постамент памятника в сквере')).toBe('culture_sport');
  });

  it('a medical board is healthcare', () => {
    expect(categoryOf('Очередь на медкомиссию на три недели')).toBe('healthcare');
  });
});

describe('snow is the duty of whoever keeps the place it lies on', () => {
  it("snow and icicles on a roof or a canopy are the building manager's", () => {
    expect(categoryOf('Снег с крыши никто не сбрасывает')).toBe('housing_utilities');
    expect(categoryOf('Сосульки на кровле над тротуаром')).toBe('housing_utilities');
    expect(categoryOf('Очистите козырёк от наледи')).toBe('housing_utilities');
  });

  it('snow on its own, in a street or on a road, is road cleaning', () => {
    expect(categoryOf('Снег лежит неделю, пройти нельзя')).toBe('roads_transport');
    expect(categoryOf('На нашей улице снег по колено')).toBe('roads_transport');
  });

  it('snow named with a yard object stays improvement', () => {
    expect(categoryOf('Во дворе снег, дворник не чистит детскую площадку')).toBe('urban_improvement');
  });
});

describe('weak evidence and no evidence', () => {
  it('a single weak housing word is enough when nothing else scored', () => {
    expect(categoryOf('Проблема с краном')).toBe('housing_utilities');
  });

  it('a single weak hint of a rare topic is not enough', () => {
    const c = classify({ text: 'Прошу разобраться с мероприятием' });
    expect(c.category).not.toBe('culture_sport');
  });

  it('an appeal with no topic word falls back to urban_improvement with low confidence', () => {
    const c = classify({ text: 'Уже месяц никто не реагирует, примите меры' });
    expect(c.category).toBe('urban_improvement');
    expect(c.confidence).toBeLessThan(0.5);
    expect(categoryFeatures('Уже месяц никто не реагирует')).toEqual(['urban_improvement:no_topic_word']);
  });

  it('only a citizen (or an unknown author) can write an appeal that names no topic', () => {
    const reply = 'Здравствуйте! Ваше сообщение передано специалистам, ответим в течение дня.';
    expect(classify({ text: reply, authorKind: 'OFFICIAL' }).category).toBe('other');
    expect(classify({ text: reply, authorKind: 'MEDIA' }).category).toBe('other');
    const appeal = 'Уже месяц никто не реагирует, примите меры';
    expect(classify({ text: appeal, authorKind: 'CITIZEN' }).category).toBe('urban_improvement');
    expect(classify({ text: appeal, authorKind: 'UNKNOWN' }).category).toBe('urban_improvement');
    // A topic word still decides for any author.
    expect(classify({ text: 'Отключили горячую воду в доме', authorKind: 'OFFICIAL' }).category).toBe(
      'housing_utilities',
    );
  });

  it('gratitude, texts without Cyrillic and positive other-topics stay other', () => {
    expect(categoryOf('Спасибо большое!')).toBe('other');
    expect(categoryOf('ok 👍')).toBe('other');
    expect(categoryOf('Бродячие собаки кидаются на детей')).toBe('other');
    expect(categoryOf('Какая погода будет на выходных?')).toBe('other');
  });

  it('chat with no content word (greetings, assent) is not an appeal and stays other', () => {
    expect(categoryOf('Привет всем, как дела?')).toBe('other');
    expect(categoryOf('Ну да, как же')).toBe('other');
    expect(categoryOf('Добрый вечер')).toBe('other');
    expect(categoryOf('Добрый вечер, верните скамейку')).toBe('urban_improvement');
  });

  it('"почти" is not the post office', () => {
    expect(categoryOf('Почти неделю не вывозят мусор')).toBe('urban_improvement');
    expect(categoryOf('На почте очередь на два часа')).toBe('other');
  });
});

describe('issue #15, fourth round: names of the small topics', () => {
  it('a school named by its legal form (МБОУ, МКОУ…) is education', () => {
    expect(categoryOf('Почему в МКОУ закрыли группу продлённого дня?')).toBe('education');
    expect(categoryFeatures('Кто отвечает за подвоз в МБОУ Красная поляна?')).toContain('education:мбоу');
  });

  it('the New Year tree and decorations are a festivity (culture), a tree in a yard stays improvement', () => {
    expect(categoryOf('Когда поставят новогоднюю ель в парке?')).toBe('culture_sport');
    expect(categoryOf('Новогодние украшения на площади так и не включили')).toBe('culture_sport');
    expect(categoryOf('Во дворе упала старая ель, перегородила проход')).toBe('urban_improvement');
  });

  it('a cash machine or a bank branch is economy, also where it stands in a station', () => {
    expect(categoryOf('Прошу установить банкомат на вокзале')).toBe('economy_labor');
    expect(categoryFeatures('В посёлке закрыли отделение банка')).toContain('economy_labor:отделени* банк*');
  });

  it('a post in the civil service is employment (economy)', () => {
    expect(categoryOf('Как попасть на муниципальную службу в администрацию района?')).toBe('economy_labor');
    expect(categoryOf('Подал документы в кадровый резерв, ответа нет полгода')).toBe('economy_labor');
  });

  it('«объявлен» (announced) is no notice stuck on a wall; «объявление» is', () => {
    expect(categoryOf('Объявлен конкурс на замещение вакантной должности, где условия?')).toBe(
      'economy_labor',
    );
    expect(categoryOf('Весь столб обклеен объявлениями')).toBe('urban_improvement');
  });

  it('a pack of dogs in either order of the words is stray animals (other)', () => {
    expect(categoryOf('Около рынка бегают собачьи стаи, детям страшно')).toBe('other');
    expect(categoryOf('Собачья свора у стадиона кидается на людей')).toBe('other');
  });

  it('a dump names ecology more strongly than the square or yard object it lies in', () => {
    expect(categoryOf('Посреди сквера растёт свалка')).toBe('ecology');
    expect(categoryOf('Свалка у контейнерной площадки во дворе')).toBe('urban_improvement');
  });

  it("the roof of a bus stop is the stop's (roads), a roof over a stairwell the building's", () => {
    expect(categoryOf('Протекает крыша на остановке у рынка')).toBe('roads_transport');
    expect(categoryOf('Крыша остановки проломлена')).toBe('roads_transport');
    expect(categoryOf('Остановка без крыши, люди мокнут под дождём')).toBe('roads_transport');
    expect(categoryOf('Течёт крыша в подъезде')).toBe('housing_utilities');
  });

  it('the land adjoining a building (прилегающая территория) is improvement, snow on it too', () => {
    expect(categoryOf('Прилегающую территорию магазина завалило снегом')).toBe('urban_improvement');
    expect(categoryFeatures('Вдоль прилегающей к подъезду дорожки лёд')).toContain(
      'urban_improvement:прилегающ* к подъезд*',
    );
    expect(categoryOf('Дорогу к дому замело снегом')).toBe('roads_transport');
  });

  it('a pit by a house or an entrance is the yard (improvement), a pit in a road is roads', () => {
    expect(categoryOf('Глубокая яма у подъезда, дети падают')).toBe('urban_improvement');
    expect(categoryOf('Яма перед домом 5 уже год')).toBe('urban_improvement');
    expect(categoryOf('Яма на дороге у поворота')).toBe('roads_transport');
  });

  it('the land inside a block or between houses (внутриквартальный, внутридомовой) is the yard', () => {
    expect(categoryOf('Внутриквартальный проезд весь в ямах')).toBe('urban_improvement');
    expect(categoryFeatures('Внутридомовая территория не убирается')).toContain(
      'urban_improvement:внутридомов*',
    );
  });
});

describe('decideCategory on given scores', () => {
  let groupId = 0;
  const match = (label: string, weight: number): Match => {
    groupId += 1;
    const feature = `w${groupId}`;
    return {
      concern: 0,
      label,
      feature,
      group: feature,
      groupId,
      labelled: `${label}:${feature}`,
      weight,
      start: 0,
      end: 1,
      negated: false,
    };
  };
  const margin = categoryLexicon.specialistMargin;

  it('a rare label ahead of a core label by less than the margin loses to it', () => {
    const d = decideCategory([match('ecology', 3 + margin / 2), match('housing_utilities', 3)]);
    expect(d.category).toBe('housing_utilities');
  });

  it('a rare label ahead by the margin wins', () => {
    const d = decideCategory([match('ecology', 3 + margin), match('housing_utilities', 3)]);
    expect(d.category).toBe('ecology');
  });

  it('core labels compete among themselves on plain totals', () => {
    const d = decideCategory([match('roads_transport', 3.5), match('urban_improvement', 3)]);
    expect(d.category).toBe('roads_transport');
  });

  it("'other' needs a word that names its topic, not a hint", () => {
    const hint = categoryLexicon.otherMinScore - 0.5;
    expect(decideCategory([match('other', hint)]).undecided).toBe(true);
    expect(decideCategory([match('other', categoryLexicon.otherMinScore)]).category).toBe('other');
    expect(categoryOf('Не вывешен паспорт объекта')).not.toBe('other');
    expect(categoryOf('Пропал мобильный интернет во всём районе')).toBe('other');
  });

  it('a rare label below minScore is not decisive; a core one is', () => {
    const weak = categoryLexicon.minScore / 2;
    expect(decideCategory([match('culture_sport', weak)])).toMatchObject({
      category: 'other',
      undecided: true,
    });
    expect(decideCategory([match('housing_utilities', weak)])).toMatchObject({
      category: 'housing_utilities',
      undecided: false,
    });
  });
});
