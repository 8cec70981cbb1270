import { COUNTRY_TABLE } from './countries.js';
import { NAME_SYNONYMS, PERSON_TITLES, VAGUE_QUALIFIERS } from './lexicon.js';
import type { ActorKind, KnownActor } from './types.js';

/** Case, accents, quote marks and punctuation folded away; possessives dropped. */
export function foldName(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/\([^)]*\)/g, ' ')
    .replace(/\s?'s\b/g, ' ')
    .replace(/s'(?=\s|$)/g, 's ')
    .replace(/\./g, '')
    .replace(/[-/–—_]/g, ' ')
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

// Phrases folded into one comparable form before names are compared: synonyms ("defence": "defense") and every
// form of a country ("Georgian", "Tbilisi": "georgia"). Matched on whole words, longest first, in one pass.
const FORMS = new Map<string, string[]>();
for (const [from, to] of Object.entries(NAME_SYNONYMS)) FORMS.set(foldName(from), foldName(to).split(' '));
for (const [form, key] of COUNTRY_TABLE) FORMS.set(foldName(form), [key]);
const MAX_FORM_WORDS = Math.max(...[...FORMS.keys()].map((k) => k.split(' ').length));
/** First words of the forms of more than one word, so that most words cost one lookup. */
const FORM_STARTS = new Set([...FORMS.keys()].filter((k) => k.includes(' ')).map((k) => k.split(' ')[0]));

/** Folded words with every synonym and country form replaced by its comparable form. */
function unify(words: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; ) {
    let matched = false;
    const longest = FORM_STARTS.has(words[i] as string) ? Math.min(MAX_FORM_WORDS, words.length - i) : 1;
    for (let n = longest; n >= 1; n--) {
      const to = FORMS.get(words.slice(i, i + n).join(' '));
      if (to) {
        out.push(...to);
        i += n;
        matched = true;
        break;
      }
    }
    if (!matched) out.push(words[i++] as string);
  }
  return out;
}

/** The keys of the world's states (countries.ts). */
export const COUNTRIES: ReadonlySet<string> = new Set(COUNTRY_TABLE.map(([, key]) => key));

/** The state a single word stands for ("Chadian", "Kigali"), if one. */
export function countryOf(word: string): string | undefined {
  const to = FORMS.get(foldName(word));
  return to && to.length === 1 && COUNTRIES.has(to[0] as string) ? to[0] : undefined;
}

const singular = (w: string) =>
  w.length > 3 && /[^s]s$/.test(w) && !/(us|is)$/.test(w) ? w.slice(0, -1) : w;

/**
 * The comparable form of a name: folded, synonyms and country forms unified, "Ministry of X" as "X ministry",
 * "Government of Guyana" as "guyana government", "Embassy of Russia in Poland" as "russia embassy in poland".
 */
export function nameKey(s: string): string[] {
  let tokens = unify(
    foldName(s)
      .split(' ')
      .filter((w) => w !== ''),
  );
  const content = tokens.filter((w) => !VAGUE_QUALIFIERS.has(w));
  if (content.length > 0) tokens = content;
  const of = tokens.findIndex((w, i) => w === 'of' && i > 0 && COUNTRIES.has(tokens[i + 1] as string));
  if (of > 0) tokens = [tokens[of + 1] as string, ...tokens.slice(0, of), ...tokens.slice(of + 2)];
  const m = tokens.indexOf('ministry');
  if (m >= 0 && tokens[m + 1] === 'of' && m + 2 < tokens.length) {
    tokens = [...tokens.slice(0, m), ...tokens.slice(m + 2), 'ministry'];
  }
  if (tokens.length > 0) tokens[tokens.length - 1] = singular(tokens[tokens.length - 1] as string);
  return tokens;
}

const GENERIC_TAIL = new Set([
  'news',
  'agency',
  'newspaper',
  'daily',
  'tv',
  'channel',
  'website',
  'site',
  'network',
  'broadcaster',
  'outlet',
  'service',
  'radio',
  'media',
  // "M23 rebels", "the Wagner group", "NoName057(16) hackers": a group named with what it is.
  'rebel',
  'rebels',
  'militant',
  'militants',
  'fighter',
  'fighters',
  'militia',
  'movement',
  'group',
  'hacker',
  'hackers',
]);
/** Words a phrase's own head may stand before: "the EU mission in Armenia" is a mission, not Armenia. */
const PREPOSITIONS = new Set([
  'of',
  'in',
  'at',
  'for',
  'to',
  'from',
  'near',
  'on',
  'with',
  'by',
  'over',
  'inside',
]);
/**
 * Heads that make a phrase stand for its country's side when no actor on record fits: "Congolese forces",
 * "the American occupation forces", "Russian intelligence", "the Estonian side".
 */
const PARTY_HEADS = new Set([
  'force',
  'forces',
  'troop',
  'troops',
  'army',
  'military',
  'government',
  'regime',
  'authority',
  'authorities',
  'official',
  'officials',
  'side',
  'unit',
  'units',
  'soldier',
  'soldiers',
  'navy',
  'intelligence',
  'service',
  'services',
  'agent',
  'agents',
  'operative',
  'operatives',
  'jet',
  'jets',
  'warplane',
  'warplanes',
  'drone',
  'drones',
  'state',
  'leadership',
]);
const STATE_BODIES = new Set(['regime', 'government', 'administration', 'leadership', 'state']);
const ACRONYM_SKIP = new Set(['of', 'the', 'and', 'for', 'de', 'la']);

export interface ActorMatch {
  actor: KnownActor;
  score: number;
}

export interface Resolver {
  actors: readonly KnownActor[];
  byId: ReadonlyMap<number, KnownActor>;
  /** The actors a noun phrase names, best first. */
  resolve(phrase: string): ActorMatch[];
  /**
   * The actor a phrase holds responsible: as `resolve`, else the state of a country named with its forces or
   * its government ("Congolese forces", "the American occupation forces").
   */
  resolveParty(phrase: string): ActorMatch[];
  /** The actor a whole phrase names exactly (a variant of its name or alias), for spotting mentions. */
  exact(phrase: string): ActorMatch | null;
  /** The top-most ancestor of an actor. */
  topOf(actor: KnownActor): KnownActor;
}

export function createResolver(actors: readonly KnownActor[]): Resolver {
  const byId = new Map(actors.map((a) => [a.id, a]));
  const index = new Map<string, ActorMatch[]>();
  // Names with their country left out ("the defence ministry" for the Iranian one): matched as a whole
  // phrase only, never as the tail of a longer one ("a State Department official" is no Iranian official).
  const bare = new Map<string, ActorMatch[]>();
  function addBare(key: string, actor: KnownActor, score: number) {
    const list = bare.get(key) ?? [];
    if (!list.some((m) => m.actor.id === actor.id)) list.push({ actor, score });
    bare.set(key, list);
  }
  // Names as written (folded, countries not unified): "the Kremlin" is the Kremlin before it is Russia.
  const literal = new Map<string, Set<number>>();
  // Actors by the last word of their key, for matching a phrase that has a word more or less than the name.
  const byHead = new Map<string, { actor: KnownActor; key: string[] }[]>();
  // The country an actor's name begins with ("Iranian Ministry of Defence": iran), for "the defence ministry".
  const countryOfName = new Map<number, string>();
  const add = (key: string, actor: KnownActor, score: number) => {
    if (key === '') return;
    const list = index.get(key) ?? [];
    const same = list.find((m) => m.actor.id === actor.id);
    if (same) same.score = Math.max(same.score, score);
    else list.push({ actor, score });
    index.set(key, list);
  };
  for (const actor of actors) {
    for (const name of [actor.name, ...actor.aliases]) {
      const tokens = nameKey(name);
      add(tokens.join(' '), actor, 1);
      const raw = literalKey(name);
      literal.set(raw, (literal.get(raw) ?? new Set()).add(actor.id));
      if (tokens.length >= 2) {
        const head = headOf(tokens);
        const named = byHead.get(head);
        if (named) named.push({ actor, key: tokens });
        else byHead.set(head, [{ actor, key: tokens }]);
      }
      if (tokens.length > 1 && COUNTRIES.has(tokens[0] as string)) {
        addBare(tokens.slice(1).join(' '), actor, 0.8);
        countryOfName.set(actor.id, tokens[0] as string);
      }
      const words = foldName(name)
        .split(' ')
        .filter((w) => !ACRONYM_SKIP.has(w));
      if (words.length >= 3) add(words.map((w) => w[0]).join(''), actor, 0.85);
      if (actor.kind === 'person' && tokens.length >= 2) {
        const last = tokens[tokens.length - 1] as string;
        if (last.length >= 4) add(last, actor, 0.75);
      }
    }
  }
  const groupTokens = actors
    .filter((a) => a.kind === 'group')
    .map((a) => ({ actor: a, tokens: new Set([a.name, ...a.aliases].flatMap(nameKey).map(singular)) }));

  const lookup = (key: string, factor: number): ActorMatch[] =>
    (index.get(key) ?? []).map((m) => ({ actor: m.actor, score: m.score * factor }));
  const lookupBare = (key: string): ActorMatch[] => bare.get(key) ?? [];

  function resolve(phrase: string): ActorMatch[] {
    const tokens = nameKey(phrase);
    if (tokens.length === 0) return [];
    const found: ActorMatch[] = [...lookup(tokens.join(' '), 1), ...lookupBare(tokens.join(' '))];
    // A title or description before the name: "Foreign Minister Hossein Amir-Abdollahian", "the state news agency IRNA";
    // not what follows a preposition ("the EU mission in Armenia" is not Armenia).
    // Nor a name of another country's: "Armenian forces" are not the Congolese armed forces.
    for (let k = 1; k < tokens.length; k++) {
      if (PREPOSITIONS.has(tokens[k - 1] as string)) continue;
      const named = tokens.slice(0, k).find((t) => COUNTRIES.has(t));
      const fits = (m: ActorMatch) => !named || (countryOfName.get(m.actor.id) ?? named) === named;
      found.push(...lookup(tokens.slice(k).join(' '), 0.9).filter(fits));
    }
    // A name followed by what it is: "the IRNA news agency", "Kayhan newspaper".
    for (let k = tokens.length - 1; k >= 1 && GENERIC_TAIL.has(tokens[k] as string); k--) {
      found.push(...lookup(tokens.slice(0, k).join(' '), 0.9));
    }
    // A person's name followed by a description: "Mohammad Marandi an influential regime insider".
    if (!/['’]s\b/.test(phrase)) {
      for (let k = tokens.length - 1; k >= 2; k--) {
        found.push(...lookup(tokens.slice(0, k).join(' '), 0.85).filter((m) => m.actor.kind === 'person'));
      }
    }
    // "the Israeli regime", "the Iranian government": the state.
    if (tokens.length === 2 && STATE_BODIES.has(tokens[1] as string)) {
      found.push(...lookup(tokens[0] as string, 0.8).filter((m) => m.actor.kind === 'state'));
    }
    // An unnamed collective: "sources" for "Unnamed sources on the January 2023 drone attacks".
    const head = tokens[tokens.length - 1] as string;
    for (const g of groupTokens) {
      if (!g.tokens.has(head)) continue;
      const foreign = tokens.filter((t) => !g.tokens.has(singular(t))).length;
      const score = 0.65 - 0.15 * foreign;
      if (score > 0.3) found.push({ actor: g.actor, score });
    }
    // A word more or fewer than a name on record, the head the same: "the EU monitoring mission in Armenia" for
    // "European Union Mission in Armenia", "a Georgian security official" for "Georgian officials", "Congolese
    // forces" for "Congolese armed forces".
    for (const { actor, key } of byHead.get(headOf(tokens)) ?? []) {
      if (key.length === tokens.length) continue;
      const [short, long] = key.length < tokens.length ? [key, tokens] : [tokens, key];
      const missing = long.length - short.length;
      if (short.length < 2 || missing > 2 || !isSubsequence(short, long)) continue;
      found.push({ actor, score: (short === key ? 0.85 : 0.8) - 0.1 * missing });
    }
    const best = new Map<number, ActorMatch>();
    for (const m of found) {
      const prev = best.get(m.actor.id);
      if (!prev || prev.score < m.score) best.set(m.actor.id, m);
    }
    const named = literal.get(literalKey(phrase));
    const first = (m: ActorMatch) => (named?.has(m.actor.id) ? 0 : 1);
    return [...best.values()].sort(
      (a, b) => b.score - a.score || first(a) - first(b) || a.actor.id - b.actor.id,
    );
  }

  function resolveParty(phrase: string): ActorMatch[] {
    const matches = resolve(phrase);
    if ((matches[0]?.score ?? 0) >= 0.55) return matches;
    const tokens = nameKey(phrase);
    const country = tokens[0] as string;
    if (tokens.length < 2 || !COUNTRIES.has(country) || !PARTY_HEADS.has(tokens[tokens.length - 1] as string))
      return matches;
    const states = lookup(country, 0.7).filter((m) => m.actor.kind === 'state');
    return [...states, ...matches];
  }

  function exact(phrase: string): ActorMatch | null {
    const tokens = nameKey(phrase);
    const list = index.get(tokens.join(' '));
    if (!list) return null;
    const sorted = [...list].sort((a, b) => b.score - a.score || a.actor.id - b.actor.id);
    return sorted[0] ?? null;
  }

  function topOf(actor: KnownActor): KnownActor {
    let current = actor;
    const seen = new Set<number>();
    while (current.parentId !== null && !seen.has(current.id)) {
      seen.add(current.id);
      const parent = byId.get(current.parentId);
      if (!parent) break;
      current = parent;
    }
    return current;
  }

  return { actors, byId, resolve, resolveParty, exact, topOf };
}

/** A name folded as written, less its articles: "The Kremlin" and "Kremlin" alike. */
function literalKey(s: string): string {
  return foldName(s)
    .split(' ')
    .filter((w) => w !== 'the' && w !== 'a' && w !== 'an')
    .join(' ');
}

/** The head word of a name key: the last word before a preposition ("coordinator" in "un coordinator for ukraine"). */
function headOf(tokens: readonly string[]): string {
  const p = tokens.findIndex((w, i) => i > 0 && PREPOSITIONS.has(w));
  return (p > 0 ? tokens[p - 1] : tokens[tokens.length - 1]) as string;
}

/** Whether every word of `short` stands in `long`, in order. */
function isSubsequence(short: readonly string[], long: readonly string[]): boolean {
  let i = 0;
  for (const w of long) if (w === short[i]) i++;
  return i === short.length;
}

const ORG_WORDS =
  /\b(ministry|department|government|office|mission|embassy|council|parliament|assembly|agency|news|tv|television|radio|times|journal|post|media|forces|army|military|guard|corps|channel|channels|authority|authorities|organization|organisation|committee|court|bank|company|group|party|institute|university|center|centre)\b/i;
const MEDIA =
  /\b(news|agency|tv|television|radio|newspaper|times|journal|post|media|outlet|broadcaster|daily|site|website|network|wire|press|magazine|reuters|associated press)\b/i;
const GOVERNMENT =
  /\b(ministry|department|government|office|mission|embassy|council|parliament|assembly|cabinet|administration|authority|commission|presidency|pentagon|kremlin|white house)\b/i;
const MILITARY = /\b(military|army|forces|navy|air force|guards?|corps|idf|irgc|troops)\b/i;
const GROUP =
  /\b(officials|sources|channels|reports|analysts|witnesses|residents|experts|authorities|diplomats|people|those|speculations?|observers|activists|users|accounts|agencies|outlets|media|familiar)\b/i;

/** Guesses what kind of actor an unknown speaker is, from its words and any description beside it. */
export function guessKind(phrase: string, description = ''): ActorKind {
  const all = `${phrase} ${description}`;
  const words = foldName(phrase).split(' ');
  if (GROUP.test(phrase) && !/\b(ministry|department)\b/i.test(phrase)) return 'group';
  if (/\btelegram\b|\btwitter\b|\baccount\b|\bchannel\b/i.test(phrase)) return 'social_channel';
  if (words.some((w) => PERSON_TITLES.has(w)) && !ORG_WORDS.test(phrase)) return 'person';
  if (MILITARY.test(phrase)) return 'military';
  if (MEDIA.test(all)) return 'media_outlet';
  if (GOVERNMENT.test(phrase)) return 'government_body';
  if (words.length === 1 && COUNTRIES.has(nameKey(phrase)[0] ?? '')) return 'state';
  if (words.some((w) => PERSON_TITLES.has(w)) || /\b(he|she|him|her)\b/i.test(phrase)) return 'person';
  if (MEDIA.test(description)) return 'media_outlet';
  return 'person';
}
