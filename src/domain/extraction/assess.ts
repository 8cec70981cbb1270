import { DECLINE_CONTENT, DENIAL_CONTENT, DOWNPLAY_CONTENT, SPECULATION_CONTENT } from './lexicon.js';
import type { Token } from './nlp.js';
import { phraseEndingAt, phraseStartingAt, type TokenRange } from './rules.js';
import type { AttributionPosition, Stance } from './types.js';

/** The stance of a statement from its cue and its words. */
export function stanceOf(cueStance: Stance | undefined, cueLemma: string, content: string): Stance {
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

const OFFENCE =
  /^(attack|attacks|strike|strikes|operation|operations|bombing|explosion|explosions|blast|assault|aggression|sabotage|raid|raids|act|incident)$/;

/**
 * Noun phrases a passage holds responsible: "Israel was behind", "Israel (had) carried out", "carried out by
 * Israel", "the Israeli regime was responsible", "Israel is blamed", "Tel Aviv's involvement".
 */
export function responsiblePhrases(quoted: Token[], range: TokenRange): TokenRange[] {
  // Inside a direct quote too: "Israel is blamed," he said. Marks stay punctuation and end phrases.
  const tokens = quoted.map((t) => (t.quote >= 0 ? { ...t, quote: -1 } : t));
  const found: TokenRange[] = [];
  const l = (i: number) => tokens[i]?.lower ?? '';
  for (let i = range.from; i < range.to; i++) {
    const t = tokens[i] as Token;
    // X (was|had been|appears to have been) behind
    if (t.lower === 'behind' && i > range.from) {
      let j = i - 1;
      while (
        j >= range.from &&
        /^(was|were|is|are|been|be|had|has|have|to|may|might|could|must|would|appears|appear|appeared|seems|seem|seemed|likely|probably|reportedly|also)$/.test(
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
      const object = phraseStartingAt(tokens, next);
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
