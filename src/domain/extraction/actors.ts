import { COUNTRY_FORMS, NAME_SYNONYMS, PERSON_TITLES, VAGUE_QUALIFIERS } from './lexicon.js';
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

const PHRASES: [RegExp, string][] = Object.entries({ ...NAME_SYNONYMS, ...COUNTRY_FORMS })
  .map(([from, to]) => [foldName(from), to] as const)
  .sort((a, b) => b[0].length - a[0].length)
  .map(([from, to]) => [new RegExp(`(?<![\\p{L}\\p{N}])${from}(?![\\p{L}\\p{N}])`, 'gu'), to]);

const singular = (w: string) =>
  w.length > 3 && /[^s]s$/.test(w) && !/(us|is)$/.test(w) ? w.slice(0, -1) : w;

/** The comparable form of a name: folded, synonyms and country adjectives unified, "Ministry of X" as "X ministry". */
export function nameKey(s: string): string[] {
  let t = ` ${foldName(s)} `;
  for (const [re, to] of PHRASES) t = t.replace(re, to);
  let tokens = t.split(' ').filter((w) => w !== '');
  const content = tokens.filter((w) => !VAGUE_QUALIFIERS.has(w));
  if (content.length > 0) tokens = content;
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
]);
const STATE_BODIES = new Set(['regime', 'government', 'administration', 'leadership', 'state']);
const COUNTRIES = new Set(Object.values(COUNTRY_FORMS));
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
  /** The actor a whole phrase names exactly (a variant of its name or alias), for spotting mentions. */
  exact(phrase: string): ActorMatch | null;
  /** The top-most ancestor of an actor. */
  topOf(actor: KnownActor): KnownActor;
}

export function createResolver(actors: readonly KnownActor[]): Resolver {
  const byId = new Map(actors.map((a) => [a.id, a]));
  const index = new Map<string, ActorMatch[]>();
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
      if (tokens.length > 1 && COUNTRIES.has(tokens[0] as string)) add(tokens.slice(1).join(' '), actor, 0.8);
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

  function resolve(phrase: string): ActorMatch[] {
    const tokens = nameKey(phrase);
    if (tokens.length === 0) return [];
    const found: ActorMatch[] = [...lookup(tokens.join(' '), 1)];
    // A title or description before the name: "Foreign Minister Hossein Amir-Abdollahian", "the state news agency IRNA".
    for (let k = 1; k < tokens.length; k++) found.push(...lookup(tokens.slice(k).join(' '), 0.9));
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
    const best = new Map<number, ActorMatch>();
    for (const m of found) {
      const prev = best.get(m.actor.id);
      if (!prev || prev.score < m.score) best.set(m.actor.id, m);
    }
    return [...best.values()].sort((a, b) => b.score - a.score || a.actor.id - b.actor.id);
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

  return { actors, byId, resolve, exact, topOf };
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
