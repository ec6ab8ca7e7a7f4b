import { work } from './work.js';

/**
 * Obscene roots with their productive derivations. Russian obscenity is a handful of roots that take
 * any prefix and suffix («за-еб-ал», «от-пизд-ить», «до-хуя», «рас-пизд-яй», «об-о-сра-ть»), so a word
 * list always misses the next derivation; a root between a known prefix chain and a known suffix start
 * does not. Each pattern names its root (for evidence) and is anchored so that innocent words sharing
 * letters stay out: «страховать» (prefix «стра» is no prefix), «мудрый» (no «мудр»), «сражение»,
 * «ссора», «Херсон», «небо», «хлеб», «оскорбление», «сучков» (twigs).
 * A word is matched once (the result is cached with the word), in time linear in its length.
 */

// Verbal and nominal prefixes, possibly chained («по-на-», «недо-»), and the «долбо-», «мудо-» compounds.
const PREFIX =
  '(?:(?:за|вы|у|на|про|по|до|от|ото|съ|въ|подъ|разъ|расъ|объ|изъ|отъ|недо|пере|при|вз|рас|раз|о|об|обо|с|под|ни|не|невъ|долбо|долба|мудо|нище)){0,3}';

const MAX_WORD = 32;

const ROOTS: ReadonlyArray<readonly [string, RegExp]> = [
  ['хуй', new RegExp(`^${PREFIX}ху(?:[йяюи]|е[вмлнпрстзшцюй]|ё|ил|ета|ерга)`)],
  ['пизд', /пизд|пизж|пзд[цеюяи]|^пиз$/],
  ['еб', new RegExp(`^${PREFIX}(?:ъ)?[её]б(?:а|у|ыв|л|н|ис|ищ|ош|еш|ем|ет|ёт|ир|ик|ен|ун|ок|он(?!ит)|$)`)],
  ['бляд', /^бля(?:т|$)|бляд/],
  ['сука', /^сук(?:а|и|е|у|ой|ам|ами|ах|ин|ины|ино)$|^суч(?:ар|к(?:а|и|у|ой|е|ам|ами)$|онок|онк)|^ссук/],
  ['ёпт', /^[её]пт(?:а|ь|$)|^[её]пон(?:а|ский)/],
  ['муд', new RegExp(`^${PREFIX}муд(?:ак|ач|ил|озв|оеб|ень|еня|ищ)`)],
  ['пидор', /п[иеэ]д[оа]р|пидр|педрил|педик/],
  ['залуп', /залуп/],
  ['гондон', /г[ао]ндон/],
  ['шлюх', /шлюх|шалав/],
  ['срать', new RegExp(`^${PREFIX}(?:сра(?:т|л|н|к|ч|ку|л)|сер(?:ет|ут|ун)|срут|высер)`)],
  ['ссать', new RegExp(`^${PREFIX}сс(?:ат|ал|ут|ыт|ык|ан|ыку)`)],
  ['говно', /г[оа]вн[оаеюяуиы]|г[оа]вн[её]?[дчшнк]/],
  ['хер', new RegExp(`^(?:на|по|ни|за|о)?хер(?:$|н|ов|ач|ня|ей|ом|а$|ь)`)],
  ['жопа', /ж[оа]п[аеыоуийн]|жоп$/],
  ['дроч', /дроч/],
  ['перд', new RegExp(`^${PREFIX}перд(?:[еиуяюоё]|ун|ак|ил|ол|ёж|еж|ят)`)],
  ['манда', /^манд(?:а$|ой$|у$|ы$|юк|авош)/],
];

/** The obscene root the word is derived from, or '' when none is. */
export function obsceneRootOf(word: string): string {
  // No obscene derivation is that long: a longer "word" is noise, not read (and costs nothing).
  if (word.length < 3 || word.length > MAX_WORD) return '';
  work.steps += word.length * ROOTS.length;
  for (const [root, pattern] of ROOTS) if (pattern.test(word)) return root;
  return '';
}
