/**
 * How much a statement is about the document's own story. A curator files the statements about the event the
 * article reports (what happened, the damage, who did it, who denies it or will not say) and leaves the rest:
 * background on other incidents, other stories, a leader's remarks on other matters. Three kinds of evidence,
 * each learnt from the document or from the statement itself:
 * - the document's subject: the content words of its title and lede, each weighted by how rare it is in the
 *   document (a word in every sentence, such as the country at the centre of the story, tells little);
 * - the incident: words of the kind of event the desk tracks (attacks: strikes, blasts, drones, damage,
 *   casualties), a generic vocabulary rather than this story's;
 * - the contest: the statement holds someone responsible, denies, downplays or declines to comment, or names
 *   an actor the document holds responsible elsewhere.
 */
import { COUNTRY_FORMS, INCIDENT_WORDS, REPORTING_VERBS } from './lexicon.js';
import type { Token } from './nlp.js';

const CONTENT_POS = new Set(['NOUN', 'PROPN', 'VERB', 'ADJ']);
const LIGHT_VERBS = new Set(['be', 'have', 'do', 'make', 'get', 'go', 'come', 'take', 'give', 'include']);

/** The comparable form of a content word: its lemma, a demonym as its country ("Iranian": "iran"); else null. */
export function termOf(t: Token): string | null {
  if (!CONTENT_POS.has(t.pos) || t.stop) return null;
  const lemma = t.lemma.replace(/[’']s$/, '');
  if (lemma.length < 2 || !/\p{L}/u.test(lemma)) return null;
  if (REPORTING_VERBS.has(lemma) || (t.pos === 'VERB' && LIGHT_VERBS.has(lemma))) return null;
  const country = COUNTRY_FORMS[lemma] ?? COUNTRY_FORMS[t.lower];
  if (country) return country;
  // The model leaves capitalised plurals as they are ("Drones struck ..."): fold them as it folds the others.
  if (t.pos === 'PROPN' && lemma.length > 3 && /[^su]s$/.test(lemma)) return lemma.slice(0, -1);
  return lemma;
}

/** The document's subject words with their weights, and how to score a stretch of it against them. */
export interface Topic {
  /** Subject words (title and lede) and their weights: log((units + 1) / units containing the word). */
  readonly subject: ReadonlyMap<string, number>;
}

/**
 * Units (sentences) of the document as token lists, the title's tokens, and which units may not stand in
 * the lede (those about another story).
 */
export function topicOf(
  units: readonly (readonly Token[])[],
  title: readonly Token[],
  offStory: (unit: number) => boolean = () => false,
): Topic {
  const df = new Map<string, number>();
  for (const tokens of units) {
    for (const term of new Set(termsOf(tokens))) df.set(term, (df.get(term) ?? 0) + 1);
  }
  const n = units.length;
  const weight = (term: string) => Math.log((n + 1) / Math.max(1, df.get(term) ?? 0));
  // The lede: the first two units that are sentences rather than a dateline, a byline or a caption's credit.
  const lede = units
    .filter((u, i) => !offStory(i) && u.filter((t) => /\p{L}/u.test(t.value)).length >= 8)
    .slice(0, 2);
  const subject = new Map<string, number>();
  for (const term of [...termsOf(title), ...lede.flatMap((u) => termsOf(u))]) {
    subject.set(term, weight(term));
  }
  return { subject };
}

export function termsOf(tokens: readonly Token[]): string[] {
  const out: string[] = [];
  for (const t of tokens) {
    const term = termOf(t);
    if (term !== null) out.push(term);
  }
  return out;
}

/** The weight of the subject words a stretch shares with the title and lede (each counted once). */
export function subjectMass(topic: Topic, tokens: readonly Token[]): number {
  let mass = 0;
  for (const term of new Set(termsOf(tokens))) mass += topic.subject.get(term) ?? 0;
  return mass;
}

/** Whether a stretch speaks of an incident of the kind the desk tracks (an attack, its damage, its victims). */
export function mentionsIncident(tokens: readonly Token[]): boolean {
  // Not names: "William Burns" burns nothing.
  return tokens.some(
    (t) =>
      t.pos !== 'PROPN' &&
      (INCIDENT_WORDS.has(t.lemma) ||
        INCIDENT_WORDS.has(t.lower) ||
        INCIDENT_WORDS.has(t.lower.replace(/s$/, ''))),
  );
}
