import { countryOf } from './actors.js';
import { DECLINE_CONTENT, DENIAL_CONTENT, DOWNPLAY_CONTENT, SPECULATION_CONTENT } from './lexicon.js';
import type { Token } from './nlp.js';
import { heldAs, phraseEndingAt, phraseStartingAt, type TokenRange } from './rules.js';
import type { AttributionPosition, AttributionRole, Stance } from './types.js';

/** The stance of a statement from its cue and its words. */
export function stanceOf(cueStance: Stance | undefined, cueLemma: string, quoted: string): Stance {
  // Quotation marks inside a paraphrase do not change what it says: Kigali had "nothing to do with" it.
  const content = quoted.replace(/["“”„«»]/g, '');
  if (cueStance === 'declines_to_comment') return cueStance;
  if (DECLINE_CONTENT.some((re) => re.test(content))) return 'declines_to_comment';
  if (cueStance === 'denies' || cueLemma === 'deny' || DENIAL_CONTENT.some((re) => re.test(content)))
    return 'denies';
  if (cueStance === 'downplays' || cueLemma === 'downplay') return 'downplays';
  if (
    cueStance === 'speculates' ||
    cueLemma === 'speculate' ||
    SPECULATION_CONTENT.some((re) => re.test(content))
  ) {
    return 'speculates';
  }
  // A consequence tacked on ("..., causing minor damage to the roof") reports; it does not minimise.
  const main = content.replace(/,\s+(causing|leaving|wounding|killing|injuring)\b[^,;]*/gi, '');
  if (DOWNPLAY_CONTENT.some((re) => re.test(main))) return 'downplays';
  return 'asserts';
}

/** The attribution position a statement of this stance takes toward whoever it holds responsible. */
export function positionOf(stance: Stance): AttributionPosition {
  switch (stance) {
    case 'denies':
      return 'denies';
    case 'speculates':
      return 'speculates';
    case 'declines_to_comment':
      return 'declines_to_comment';
    default:
      return 'asserts';
  }
}

/** A phrase the text holds responsible, and for what part (the deed by default). */
export interface HeldPhrase extends TokenRange {
  role?: AttributionRole;
  /** The passage clears the party rather than blames it ("had nothing to do with", "accusations against X"
   * rejected). */
  denied?: boolean;
}

/** Verbs of the deed itself, active voice: whoever does them is held responsible ("opened fire" too). */
const DEED_VERBS = new Set(['shelled', 'shell', 'bombed', 'bomb', 'attacked', 'attack', 'fired', 'fire']);

const SPONSORED = /^(backed|supported|sponsored|armed|funded|financed|directed|trained)$/;

/** Words of rejecting what follows: "rejects any attempts to blame", "dismissed accusations against". */
const REJECTING =
  /^(reject|rejects|rejected|rejecting|dismiss|dismisses|dismissed|deny|denies|denied|rebuff|rebuffed|refute|refuted)$/;

/** Weapons a country's name may be put to: "a Russian missile", "Israeli jets". */
const WEAPON =
  /^(missile|missiles|rocket|rockets|drone|drones|shell|shells|mine|mines|bomb|bombs|jet|jets|warplane|warplanes|shelling|fire|artillery|gunfire)$/;
/** Words between a demonym and the deed: "drone", "air-defence", "artillery". */
const MODIFIER =
  /^(drone|missile|rocket|air|defence|defense|artillery|cyber|naval|suicide|mortar|ballistic|cruise|repeated|heavy|fresh|new|deadly|overnight)$/;

const OFFENCE =
  /^(attack|attacks|strike|strikes|operation|operations|bombing|explosion|explosions|blast|assault|aggression|sabotage|raid|raids|act|incident)$/;

/**
 * Noun phrases a passage holds responsible: "Israel was behind", "Israel (had) carried out", "carried out by
 * Israel", "the Israeli regime was responsible", "Israel is blamed", "Tel Aviv's involvement".
 */
export function responsiblePhrases(quoted: Token[], range: TokenRange): HeldPhrase[] {
  // Inside a direct quote too: "Israel is blamed," he said. Marks stay punctuation and end phrases.
  const tokens = quoted.map((t) => (t.quote >= 0 ? { ...t, quote: -1 } : t));
  const found: HeldPhrase[] = [];
  const l = (i: number) => tokens[i]?.lower ?? '';
  for (let i = range.from; i < range.to; i++) {
    const t = tokens[i] as Token;
    // X (had|has) nothing to do with: the party a denial clears, held responsible by whoever it answers.
    if (t.lower === 'nothing' && l(i + 1) === 'to' && l(i + 2) === 'do' && l(i + 3) === 'with') {
      let j = i - 1;
      while (j >= range.from && /^(had|has|have|absolutely|really|also|["“”„«»‘’'])$/.test(l(j))) j--;
      if (j < i - 1) {
        const np = phraseEndingAt(tokens, j);
        if (np && np.from >= range.from) found.push({ ...np, denied: true });
      }
      continue;
    }
    // X had no role / part / hand in
    if (
      /^(role|part|hand|involvement)$/.test(t.lower) &&
      l(i - 1) === 'no' &&
      /^(had|has|have|played|plays)$/.test(l(i - 2))
    ) {
      const np = phraseEndingAt(tokens, i - 3);
      if (np && np.from >= range.from) found.push({ ...np, denied: true });
      continue;
    }
    // held X responsible / accountable
    if (/^(hold|holds|held|holding)$/.test(t.lower) && t.pos === 'VERB') {
      const np = heldAs(tokens, i);
      if (np) found.push(np);
      continue;
    }
    // X was (not) involved
    if (t.lower === 'involved' && /^(was|were|is|are|been|not|never)$/.test(l(i - 1))) {
      let j = i - 1;
      while (j >= range.from && /^(was|were|is|are|been|be|had|has|have|not|never)$/.test(l(j))) j--;
      const np = phraseEndingAt(tokens, j);
      const negated = tokens.slice(j + 1, i).some((x) => /^(not|never)$/.test(x.lower));
      if (np && np.from >= range.from) found.push({ ...np, denied: negated });
      continue;
    }
    // "sabotage by the Kyiv regime", "an attack by Israel"; "accusations against Russia", cleared when rejected.
    if (OFFENCE.test(t.lower) && l(i + 1) === 'by') {
      const np = phraseStartingAt(tokens, i + 2, tokens.length, false);
      if (np && np.from < range.to) found.push(np);
      continue;
    }
    if (/^(accusations?|allegations?|charges?|claims?)$/.test(t.lower) && l(i + 1) === 'against') {
      const np = phraseStartingAt(tokens, i + 2, tokens.length, false);
      const rejected = [1, 2, 3, 4].some((k) => REJECTING.test(l(i - k)));
      if (np && np.from < range.to) found.push({ ...np, denied: rejected });
      continue;
    }
    // "the Israeli regime's missile attack"
    if (
      (OFFENCE.test(t.lower) || WEAPON.test(t.lower)) &&
      t.pos === 'NOUN' &&
      tokens[i + 1]?.pos !== 'NOUN'
    ) {
      let j = i - 1;
      for (let m = 0; m < 3 && (MODIFIER.test(l(j)) || l(j) === '-'); m++) j--;
      if (/^[’']s$/.test(tokens[j]?.value ?? '') && j - 1 >= range.from) {
        const np = phraseEndingAt(tokens, j - 1);
        if (np && np.from >= range.from) found.push(np);
      }
    }
    // Russian involvement, Israeli complicity
    if (/^(involvement|complicity|culpability)$/.test(t.lower) && i > range.from) {
      let j = i - 1;
      while (j >= range.from && /^\p{Lu}/u.test(tokens[j]?.value ?? '') && tokens[j]?.pos !== 'DET') j--;
      if (j < i - 1) found.push({ from: j + 1, to: i });
    }
    // ... to blame Russia, accusing Kyiv of ... (cleared in "rejects any attempts to blame Russia")
    if (
      (t.lemma === 'blame' || t.lemma === 'accuse') &&
      t.pos === 'VERB' &&
      !/^(is|was|were|are|be|been)$/.test(l(i - 1))
    ) {
      const np = phraseStartingAt(tokens, i + 1, tokens.length, false);
      const rejected = [1, 2, 3, 4].some((k) => REJECTING.test(l(i - k)));
      if (np && np.from < range.to) found.push({ ...np, denied: rejected });
      continue;
    }
    // "Azerbaijani forces opened fire on ...", "units ... shelled the village", and denied: "did not open fire".
    const deed =
      DEED_VERBS.has(t.lower) ||
      (/^(blew|blown|blow)$/.test(t.lower) &&
        l(i + 1) === 'up' &&
        /^(the|a|an|its|their|this|that)$/.test(l(i + 2))) ||
      (t.lower === 'opened' && l(i + 1) === 'fire') ||
      (t.lower === 'open' && l(i + 1) === 'fire');
    // Not the weapon in "a Kh-31 fired from a fighter jet", "the village shelled by ...".
    if (
      deed &&
      t.pos !== 'NOUN' &&
      !/^(was|were|is|are|been|being|be)$/.test(l(i - 1)) &&
      !/^(from|by|into|during)$/.test(l(i + 1))
    ) {
      let j = i - 1;
      while (
        j >= range.from &&
        /^(had|has|have|did|does|do|not|never|reportedly|allegedly|also|then|repeatedly|["“”„«»‘’'])$/.test(
          l(j),
        )
      )
        j--;
      const np = phraseEndingAt(tokens, j);
      const negated = tokens.slice(j + 1, i).some((x) => /^(not|never|n't)$/.test(x.lower));
      if (np && np.from >= range.from) found.push({ ...np, denied: negated });
      continue;
    }
    // "a Ukrainian drone attack", "Israeli strikes": the country an attack is named after.
    // A noun, or a gerund the tagger read as a verb ("repeated Ukrainian shelling damaged ...").
    // The head of its phrase only: not "missile" in "Iran's ballistic-missile programme".
    const nounish =
      (t.pos === 'NOUN' || (t.pos === 'VERB' && /ing$/.test(t.lower))) && tokens[i + 1]?.pos !== 'NOUN';
    if ((OFFENCE.test(t.lower) || WEAPON.test(t.lower)) && nounish && i > range.from) {
      let j = i - 1;
      // "a Ukrainian drone attack", "a Ukrainian air-defence missile", "repeated Ukrainian shelling"
      for (let m = 0; m < 3 && (MODIFIER.test(l(j)) || l(j) === '-'); m++) j--;
      const adj = tokens[j];
      if (
        adj &&
        j >= range.from &&
        /^\p{Lu}/u.test(adj.value) &&
        (adj.pos === 'ADJ' || adj.pos === 'PROPN') &&
        countryOf(adj.value) !== undefined
      )
        found.push({ from: j, to: j + 1 });
    }
    // "terrorist groups backed by the American occupation forces", "Rwanda-backed rebels": a sponsor.
    if (SPONSORED.test(t.lower) && l(i + 1) === 'by' && i > range.from) {
      const np = phraseStartingAt(tokens, i + 2, tokens.length, false);
      if (np && np.from < range.to) found.push({ ...np, role: 'sponsor' });
      continue;
    }
    if (SPONSORED.test(t.lower) && tokens[i - 1]?.value === '-' && i - 2 >= range.from) {
      const np = phraseEndingAt(tokens, i - 2);
      if (np && np.from >= range.from) found.push({ ...np, role: 'sponsor' });
      continue;
    }
    // X (was|had been|appears to have been) behind
    if (t.lower === 'behind' && i > range.from) {
      let j = i - 1;
      while (
        j >= range.from &&
        /^(was|were|is|are|been|be|had|has|have|to|may|might|could|must|would|appears|appear|appeared|seems|seem|seemed|likely|probably|reportedly|also|not|never)$/.test(
          l(j),
        )
      )
        j--;
      if (j < i - 1) {
        const np = phraseEndingAt(tokens, j);
        if (np && np.from >= range.from) found.push(np);
      }
      continue;
    }
    if (
      t.lower === 'carried' ||
      t.lower === 'carries' ||
      t.lower === 'carry' ||
      t.lower === 'conducted' ||
      t.lower === 'launched' ||
      t.lower === 'staged' ||
      t.lower === 'perpetrated'
    ) {
      const out = t.lower.startsWith('carr') ? l(i + 1) === 'out' : true;
      if (!out) continue;
      const next = t.lower.startsWith('carr') ? i + 2 : i + 1;
      if (l(next) === 'by') {
        const np = phraseStartingAt(tokens, next + 1);
        if (np && np.to <= range.to + 6) found.push(np);
        continue;
      }
      // Active voice only: "the attack was carried out" names the deed, not the doer.
      let j = i - 1;
      if (/^(was|were|is|are|been|being)$/.test(l(j))) continue;
      while (j >= range.from && /^(had|has|have|also|reportedly|allegedly|that)$/.test(l(j))) j--;
      if (/^(was|were|is|are|been|being)$/.test(l(j))) continue;
      const object = phraseStartingAt(tokens, /^["“”„«»‘’']$/.test(l(next)) ? next + 1 : next);
      const objectHead = object ? tokens[object.to - 1] : undefined;
      if (t.lower.startsWith('carr') && !(objectHead && OFFENCE.test(objectHead.lower))) continue;
      const np = phraseEndingAt(tokens, j);
      if (np && np.from >= range.from) found.push(np);
      continue;
    }
    // X (was|is) responsible / X is blamed
    if (
      (t.lower === 'responsible' || t.lower === 'blamed' || t.lower === 'liable') &&
      /^(was|were|is|are|been)$/.test(l(i - 1))
    ) {
      let j = i - 2;
      while (j >= range.from && /^(had|has|have)$/.test(l(j))) j--;
      const np = phraseEndingAt(tokens, j);
      if (np && np.from >= range.from) found.push(np);
      continue;
    }
    // X's liability / involvement / responsibility
    if (
      /^(liability|involvement|responsibility|culpability)$/.test(t.lower) &&
      /^[’']s$/.test(tokens[i - 1]?.value ?? '')
    ) {
      const np = phraseEndingAt(tokens, i - 2);
      if (np && np.from >= range.from) found.push(np);
    }
  }
  return found;
}
