import { flatWords } from 'russian-bad-words';
import { describe, expect, it } from 'vitest';
import { classify } from '../../../../services/core/classifier/index.js';
import { obsceneRootOf } from '../../../../services/core/classifier/obscene.js';

/** Toxicity beyond a word list: our own sentences (no text from any data file). */
const toxic = (text: string): boolean => classify({ text }).toxic;
const features = (text: string): string[] =>
  classify({ text })
    .evidence.filter((e) => e.concern === 'toxic')
    .map((e) => e.feature);

describe('obscene roots with their derivations', () => {
  it.each([
    'заебал',
    'отпиздить',
    'дохуя',
    'распиздяй',
    'обосрать',
    'охуевший',
    'невъебенный',
    'подъебнул',
    'долбоеб',
    'уебок',
    'выебон',
    'поебень',
    'говнюк',
    'выблядок',
  ])('%s is derived from an obscene root', (word) => {
    expect(obsceneRootOf(word)).not.toBe('');
  });

  it.each([
    'страховать',
    'застрахуем',
    'страхуй',
    'мудрый',
    'сражение',
    'ссора',
    'херсон',
    'небо',
    'хлеб',
    'себе',
    'учеба',
    'оскорбление',
    'художник',
    'хулиган',
    'требовать',
    'мандарин',
    'ебонит',
  ])('%s shares letters with an obscene root but is not derived from one', (word) => {
    expect(obsceneRootOf(word)).toBe('');
  });

  it('covers every form of the russian-bad-words list (an independent lexicon, MIT)', () => {
    // «нах» and «сук» are also ordinary words (a nickname of a place, the genitive of «сук», a bough).
    const forms = flatWords.filter((w) => /^[а-яё]+$/.test(w) && w !== 'нах' && w !== 'сук');
    expect(forms.length).toBeGreaterThan(150);
    const missed = forms.filter((w) => {
      const word = w.replaceAll('ё', 'е');
      return (
        obsceneRootOf(word) === '' && !classify({ text: word }).evidence.some((e) => e.concern === 'toxic')
      );
    });
    expect(missed).toEqual([]);
  });

  it('a derivation no lexicon key names is evidence, and aimed at someone it is toxic', () => {
    expect(features('это отпиздили')).toContain('obscene_root:пизд');
    expect(toxic('ты отпиздишь')).toBe(true);
  });
});

describe('insults aimed at a person or at officials', () => {
  it('counts an insult more when a second-person word shares its sentence', () => {
    expect(features('вы там все бездари')).toContain('aimed');
    expect(toxic('вы там все бездари')).toBe(true);
    expect(features('это бездарное решение мэрии. а вы где были')).not.toContain('aimed');
  });

  it('reads a name standing alone as calling someone names (a vocative)', () => {
    expect(features('Опять опоздал, балабол.')).toContain('aimed');
    expect(toxic('Опять опоздал, балабол.')).toBe(true);
  });

  it('does not aim an obscene interjection standing alone', () => {
    expect(features('Похер.')).not.toContain('aimed');
    expect(toxic('Похер.')).toBe(false);
  });

  it('a reply mention alone aims nothing', () => {
    expect(features('[id1|Иван], дерьмовая погода сегодня')).not.toContain('aimed');
  });

  it('outrage at officials counts when it is aimed', () => {
    expect(toxic('Вы там совсем обнаглели?')).toBe(true);
    expect(toxic('Цены обнаглели')).toBe(false);
  });
});

describe('threats', () => {
  it('a violent verb aimed at someone is a threat', () => {
    expect(toxic('Я тебя урою')).toBe(true);
    expect(toxic('Тебе конец, понял')).toBe(true);
  });

  it('the same verb aimed at no one is not', () => {
    expect(toxic('Весь урожай закопали в землю')).toBe(false);
    expect(toxic('Старый забор пора сломать')).toBe(false);
  });
});

describe('issue #15, second round: generalising toxicity', () => {
  it('a name of insult said of people pointed at («эти», «такие», «они») is aimed; of animals, not', () => {
    expect(toxic('Эти бараны опять всё перекопали')).toBe(true);
    expect(features('Такие клоуны нами правят')).toContain('aimed');
    expect(toxic('Они же шавки, куда скажут, туда и бегут')).toBe(true);
    expect(toxic('На лугу паслись бараны и козы')).toBe(false);
    // The pointing word must share the clause: a list of complaints with an animal elsewhere is no insult.
    expect(features('Эти ямы никто не чинит, а бараны пасутся у дороги')).not.toContain('aimed');
  });

  it('insults through someone’s mother in either order', () => {
    expect(toxic('Передай маму твою сюда')).toBe(true);
    expect(toxic('мамку твою видели')).toBe(true);
  });

  it('reads «перд» as an obscene root with its prefixes, and leaves «перед» alone', () => {
    for (const w of ['пропердеть', 'напердел', 'пердун']) expect(obsceneRootOf(w)).toBe('перд');
    for (const w of ['передача', 'перед', 'передний', 'передел']) expect(obsceneRootOf(w)).toBe('');
  });

  it('a masked word in a sentence spoken to someone is aimed; alone it is only masked', () => {
    expect(toxic('ты ду*ак')).toBe(true);
    expect(features('ты ду*ак')).toEqual(expect.arrayContaining(['masked_word', 'aimed']));
    expect(toxic('ду*ак')).toBe(false);
  });

  it('knows more names of insult from the language, and not their innocent neighbours', () => {
    expect(toxic('ты жлоб')).toBe(true);
    expect(toxic('Ну ты и чокнутый')).toBe(true);
    expect(toxic('Эти чинуши опять ничего не сделали')).toBe(true);
    expect(toxic('Над полем кружил стервятник')).toBe(false);
    expect(toxic('Расходы ничтожно малы')).toBe(false);
    expect(toxic('В роддоме выхаживают недоношенных детей')).toBe(false);
    expect(toxic('Чиновники ответили на обращение')).toBe(false);
  });

  it('violent verbs of beating count only when aimed', () => {
    expect(toxic('Я тебя порву')).toBe(true);
    expect(toxic('Изобью вас всех')).toBe(true);
    expect(toxic('Порву старую бумагу на черновики')).toBe(false);
  });
});

describe('issue #15, second round: fewer false alarms on ordinary appeals', () => {
  it('first-person threats are exact forms: their stems are ordinary words («ура», «прибыли»)', () => {
    expect(toxic('Ура, вы молодцы!')).toBe(false);
    expect(toxic('Вы прибыли вовремя')).toBe(false);
    expect(toxic('Вам сломали забор')).toBe(false);
    expect(toxic('Прошу вас повесить табличку')).toBe(false);
    expect(toxic('Я тебя урою')).toBe(true);
    expect(toxic('Вас всех повесить бы')).toBe(true);
  });

  it('a name is aimed by a second-person word in its own clause, not anywhere in the sentence', () => {
    expect(toxic('Ты баран')).toBe(true);
    expect(toxic('В подвале живут крысы, а вы ничего не делаете')).toBe(false);
  });

  it('twigs are no obscene root', () => {
    expect(obsceneRootOf('сучков')).toBe('');
    expect(obsceneRootOf('сучка')).toBe('сука');
  });
});

describe('issue #15, fourth round: crude words that need aiming', () => {
  it('scatological verbs and nouns count as crude words: toxic when aimed, not alone', () => {
    expect(toxic('Ты опять покакал в комментах')).toBe(true);
    expect(toxic('Вы тут все пукаете в лужу')).toBe(true);
    expect(features('Пукнул и ушёл')).toContain('пукну*');
    expect(toxic('Пукнул и ушёл')).toBe(false);
    expect(toxic('Покажите, как пройти к какаду в зоопарке')).toBe(false);
  });

  it('the singular of a «-ята» slur is the same slur', () => {
    expect(toxic('Ну ты и соросёнок, конечно')).toBe(true);
    expect(features('Очередной навальнёнок')).toContain('навальнен*');
  });
});
