import type { Evidence } from '../contracts/schema-types.generated.js';
import { evidenceOf } from './evidence.js';
import { toxicityLexicon } from './lexicons.js';
import type { Match } from './matcher.js';
import type { TextSignals } from './text.js';
import type { Token } from './token.js';
import { vocabulary } from './vocabulary.js';
import { work } from './work.js';

export interface FlagDecision {
  flag: boolean;
  evidence: Evidence[];
}

// Second-person pronouns (a closed class of the grammar, like the negation words): a sentence with one
// speaks to someone.
const SECOND_PERSON = new Set([
  'ты',
  'тебя',
  'тебе',
  'тобой',
  'твой',
  'твоя',
  'твое',
  'твои',
  'твою',
  'твоих',
  'твоей',
  'твоего',
  'твоим',
  'твоими',
  'вы',
  'вас',
  'вам',
  'вами',
  'ваш',
  'ваша',
  'ваше',
  'ваши',
  'вашу',
  'ваших',
  'вашей',
  'вашего',
  'вашим',
  'вашими',
]);

// Words that point at people (demonstratives, «они»): a name of insult in the same clause is said of
// them («эти бараны», «такие уроды», «они же шавки»), not used of an animal or in general. Closed class.
const POINTING = new Set([
  'этот',
  'эта',
  'эти',
  'этих',
  'этим',
  'этими',
  'этого',
  'этому',
  'эту',
  'такой',
  'такая',
  'такие',
  'таких',
  'таким',
  'такими',
  'они',
]);

// Labels of toxicity.json whose words abuse someone: aimed at a person they weigh more.
const ABUSE = new Set(['insult', 'slur', 'obscene', 'outrage']);
// Labels whose words are names one calls someone.
const NAMES = new Set(['insult', 'slur']);

// Reused between calls (classification is synchronous): per token, its sentence and clause number.
let sentenceOf = new Int32Array(1024);
let clauseOf = new Int32Array(1024);
let clauseLength = new Int32Array(1024);

/**
 * Sentence and clause numbers of every token, and how many tokens each clause has: a word is aimed at
 * someone when a second-person word shares its sentence («вы там все …», «ты …»), or when it stands as a
 * clause of its own, the way one calls someone names («…, лошара», «Дебилы.»).
 */
function markClauses(tokens: readonly Token[]): void {
  const n = tokens.length;
  if (sentenceOf.length < n) {
    sentenceOf = new Int32Array(2 * n);
    clauseOf = new Int32Array(2 * n);
    clauseLength = new Int32Array(2 * n + 1);
  }
  let sentence = 0;
  let clause = 0;
  for (let i = 0; i < n; i++) {
    const brk = (tokens[i] as Token).brk;
    if (i > 0 && brk >= 1) {
      clause++;
      if (brk === 2) sentence++;
    }
    sentenceOf[i] = sentence;
    clauseOf[i] = clause;
  }
  clauseLength.fill(0, 0, clause + 1);
  for (let i = 0; i < n; i++) {
    const c = clauseOf[i] as number;
    clauseLength[c] = (clauseLength[c] as number) + 1;
  }
  work.steps += 3 * n;
}

function obsceneRoot(token: Token): string {
  return token.masked ? '' : (token.info ?? vocabulary.infoOf(token)).obsceneRoot;
}

/**
 * Insults, slurs, obscenity and threats. Words of abuse count their lexicon weight, more when aimed at
 * someone (a second-person word in the same sentence, or the word alone as a clause: a vocative);
 * violent verbs count only when aimed («убью тебя», «вас всех перевешать»); a word derived from an
 * obscene root that no lexicon key names counts `obsceneRoot`; a masked word `masked`.
 */
export function decideToxicity(
  matches: readonly Match[],
  tokens: readonly Token[],
  signals: TextSignals,
): FlagDecision {
  // Most comments have no word of abuse at all: one pass over the tokens (the obscene root is cached
  // with each word) decides that, before any sentence is looked at.
  let abusive = false;
  for (const m of matches) if (m.label !== 'addressee') abusive = true;
  let maskedCount = 0;
  let rootCount = 0;
  for (const t of tokens) {
    if (t.masked) maskedCount++;
    else if (obsceneRoot(t) !== '') rootCount++;
  }
  work.steps += matches.length + tokens.length;
  if (!abusive && maskedCount === 0 && rootCount === 0) return { flag: false, evidence: [] };

  markClauses(tokens);
  const aimedSentences = new Set<number>();
  const aimedClauses = new Set<number>();
  const pointedClauses = new Set<number>();
  for (let i = 0; i < tokens.length; i++) {
    const norm = (tokens[i] as Token).norm;
    if (SECOND_PERSON.has(norm)) {
      aimedSentences.add(sentenceOf[i] as number);
      aimedClauses.add(clauseOf[i] as number);
    } else if (POINTING.has(norm)) pointedClauses.add(clauseOf[i] as number);
  }
  // Calling someone names is a noun of insult standing alone, or one that shares its clause with a
  // second-person word («ты баран», not «в подвале крысы, а вы не чистите») or a pointing word;
  // an obscene interjection alone («Похер») is aimed at no one.
  const isAimed = (m: Match): boolean =>
    (NAMES.has(m.label)
      ? aimedClauses.has(clauseOf[m.start] as number)
      : aimedSentences.has(sentenceOf[m.start] as number)) ||
    (NAMES.has(m.label) &&
      ((clauseLength[clauseOf[m.start] as number] as number) <= 2 ||
        pointedClauses.has(clauseOf[m.start] as number)));

  let score = 0;
  let aimed = false;
  const seen = new Set<string>();
  const scored: Match[] = [];
  const covered = new Set<number>();
  for (const m of matches) {
    if (m.label === 'addressee') continue;
    for (let k = m.start; k < m.end; k++) covered.add(k);
    if (seen.has(m.feature)) continue;
    if (m.label === 'violence' && !isAimed(m)) continue;
    seen.add(m.feature);
    score += m.weight;
    scored.push(m);
    if (ABUSE.has(m.label) && isAimed(m)) aimed = true;
  }
  work.steps += 2 * tokens.length;
  const evidence = evidenceOf('toxic', scored, false);

  if (rootCount > 0) {
    const roots = new Set<string>();
    for (let i = 0; i < tokens.length; i++) {
      if (covered.has(i)) continue;
      const root = obsceneRoot(tokens[i] as Token);
      if (root === '' || roots.has(root)) continue;
      roots.add(root);
      score += toxicityLexicon.obsceneRoot;
      evidence.push({
        concern: 'toxic',
        feature: `obscene_root:${root}`,
        weight: toxicityLexicon.obsceneRoot,
      });
      if (aimedSentences.has(sentenceOf[i] as number)) aimed = true;
    }
  }
  if (maskedCount > 0) {
    score += toxicityLexicon.masked;
    evidence.push({ concern: 'toxic', feature: 'masked_word', weight: toxicityLexicon.masked });
    // A word hidden from a filter in a sentence spoken to someone («ты ду*ак») is aimed like any other.
    for (let i = 0; i < tokens.length && !aimed; i++)
      if ((tokens[i] as Token).masked && aimedSentences.has(sentenceOf[i] as number)) aimed = true;
  }
  if (score > 0 && (aimed || (signals.mentions > 0 && toxicityLexicon.mentionAims))) {
    score += toxicityLexicon.aimed;
    evidence.push({ concern: 'toxic', feature: 'aimed', weight: toxicityLexicon.aimed });
  }
  return { flag: score >= toxicityLexicon.threshold, evidence };
}
