import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type ExtractedCandidate,
  extractCandidates,
  type KnownActor,
  MIN_CONFIDENCE,
} from '../../src/domain/extraction/index.js';
import { anchorQuote, verifyQuote } from '../../src/domain/quote-anchor.js';

const ACTORS: KnownActor[] = [
  { id: 1, name: 'Iran', kind: 'state', aliases: [], parentId: null },
  { id: 2, name: 'Israel', kind: 'state', aliases: [], parentId: null },
  { id: 3, name: 'Iranian Ministry of Defence', kind: 'government_body', aliases: [], parentId: 1 },
  { id: 4, name: 'Islamic Republic News Agency', kind: 'media_outlet', aliases: ['IRNA'], parentId: 1 },
  { id: 5, name: 'Israel Defense Forces', kind: 'military', aliases: ['IDF'], parentId: 2 },
  { id: 6, name: 'Hossein Amir-Abdollahian', kind: 'person', aliases: [], parentId: 1 },
  { id: 7, name: 'The Wall Street Journal', kind: 'media_outlet', aliases: ['WSJ'], parentId: null },
  { id: 8, name: 'US officials', kind: 'group', aliases: ['U.S. officials'], parentId: null },
  { id: 9, name: 'Antony Blinken', kind: 'person', aliases: [], parentId: null },
  { id: 10, name: 'Local Telegram channels (Iran)', kind: 'group', aliases: [], parentId: null },
];

const run = (text: string, actors = ACTORS) => extractCandidates(text, actors);
const only = (text: string): ExtractedCandidate => {
  const found = run(text);
  expect(found, JSON.stringify(found.map((c) => c.quote.exact))).toHaveLength(1);
  return found[0] as ExtractedCandidate;
};
const speakerId = (c: ExtractedCandidate) => c.speaker.actor?.id ?? null;

describe('extraction: reporting patterns', () => {
  it('`"Q," S said`: a direct quote, the speaker after it, anchored in code points', () => {
    const text =
      'Tehran 🇮🇷 update.\n\n“The attack failed and caused only minor damage,” the Iranian Defense Ministry said on Sunday.';
    const c = only(text);
    expect(c).toMatchObject({
      rule: 'quote_then_speaker',
      modality: 'direct_quote',
      stance: 'downplays',
      cue: { text: 'said' },
      speaker: {
        text: 'the Iranian Defense Ministry',
        actor: { id: 3, name: 'Iranian Ministry of Defence', kind: 'government_body' },
      },
      quote: { exact: 'The attack failed and caused only minor damage' },
    });
    // Code points, not UTF-16 units: the flag before the quote is two code points of two units each.
    expect(verifyQuote(text, c.quote)).toBe(true);
    expect(anchorQuote(text, { exact: c.quote.exact })).toEqual({ ok: true, selector: c.quote });
    expect([...text].slice(c.cue.start, c.cue.end).join('')).toBe('said');
    expect([...text].slice(c.speaker.start, c.speaker.end).join('')).toBe('the Iranian Defense Ministry');
  });

  it('`S said: "Q"` and `S said (that) ...`: quote and paraphrase', () => {
    const [quoted, paraphrase] = run(
      'Israel Defense Forces spokesman said: “We do not comment on foreign reports.”\n\nIran said that three drones were shot down over Isfahan.',
    );
    expect(quoted).toMatchObject({
      rule: 'speaker_then_quote',
      modality: 'direct_quote',
      stance: 'declines_to_comment',
    });
    expect(paraphrase).toMatchObject({
      rule: 'reporting_clause',
      modality: 'paraphrase',
      stance: 'asserts',
      speaker: { actor: { id: 1 }, score: 1 },
      quote: { exact: 'three drones were shot down over Isfahan' },
    });
  });

  it('a trailing clause with "citing": the cited actor speaks, the reporter relays', () => {
    const c = only(
      'An explosion at a plant in Isfahan was caused by a drone attack, IRNA reported on Sunday, citing the defence ministry.',
    );
    expect(c.rule).toBe('trailing_reporting_clause');
    expect(speakerId(c)).toBe(3);
    expect(c.reportedVia.map((r) => r.actor?.id)).toEqual([4]);
    expect(c.quote.exact).toBe('An explosion at a plant in Isfahan was caused by a drone attack');
  });

  it('"according to" at the start, and "told <outlet>" as the chain', () => {
    const [according, told] = run(
      'According to local Telegram channels, a drone factory is on fire.\n\nHossein Amir-Abdollahian told state news agency IRNA that the strike was cowardly.',
    );
    expect(according).toMatchObject({
      rule: 'according_to',
      speaker: { actor: { id: 10 } },
      quote: { exact: 'a drone factory is on fire' },
    });
    expect(told).toMatchObject({
      rule: 'reporting_clause',
      speaker: { actor: { id: 6 } },
      quote: { exact: 'the strike was cowardly' },
    });
    expect(told?.reportedVia.map((r) => r.actor?.id)).toEqual([4]);
  });

  it('"X quoted S as saying": the speaker, the relay and whom it holds responsible', () => {
    const c = only(
      'The Wall Street Journal later quoted unidentified U.S. officials as saying Israel had carried out the strike.',
    );
    expect(c).toMatchObject({ rule: 'quoted_as_saying', speaker: { actor: { id: 8 } }, stance: 'asserts' });
    expect(c.reportedVia.map((r) => r.actor?.id)).toEqual([7]);
    expect(c.attributions).toEqual([
      { actor: { id: 2, name: 'Israel' }, actorText: 'Israel', position: 'asserts', role: 'perpetrator' },
    ]);
  });

  it('"..., saying ..." continues the main clause’s speaker', () => {
    const [blame, claim] = run(
      'Local Telegram channels attributed the attacks to Israel, claiming small drones were launched from a bigger one.',
    );
    expect(blame).toMatchObject({ rule: 'responsibility_verb', speaker: { actor: { id: 10 } } });
    expect(blame?.attributions).toEqual([
      { actor: { id: 2, name: 'Israel' }, actorText: 'Israel', position: 'asserts', role: 'perpetrator' },
    ]);
    expect(claim).toMatchObject({
      rule: 'participle',
      speaker: { actor: { id: 10 } },
      quote: { exact: 'small drones were launched from a bigger one' },
    });
  });

  it('a quote that follows a speaker’s quote continues the same statement: one candidate over both', () => {
    const text =
      '“Iran has become Russia’s top military backer,” Antony Blinken said in a statement. “Iran must cease its support for the war in Ukraine.”';
    const c = only(text);
    expect(c).toMatchObject({
      rule: 'quote_then_speaker',
      speaker: { actor: { id: 9 } },
      modality: 'direct_quote',
    });
    expect(c.quote.exact).toBe(
      'Iran has become Russia’s top military backer,” Antony Blinken said in a statement. “Iran must cease its support for the war in Ukraine.',
    );
    expect(verifyQuote(text, c.quote)).toBe(true);
  });

  it('a quote interrupted by "he said" is one statement', () => {
    const c = only(
      'Antony Blinken spoke on Tuesday.\n\n“I never talk about specific operations,” he said, “and every time something explodes, Israel is blamed.”',
    );
    expect(c.quote.exact).toBe(
      'I never talk about specific operations,” he said, “and every time something explodes, Israel is blamed.',
    );
    expect(c.text).toBe(
      'I never talk about specific operations, he said, and every time something explodes, Israel is blamed.',
    );
    expect(c.stance).toBe('declines_to_comment');
    expect(c.attributions).toEqual([
      {
        actor: { id: 2, name: 'Israel' },
        actorText: 'Israel',
        position: 'declines_to_comment',
        role: 'perpetrator',
      },
    ]);
  });
});

describe('extraction: stance and attributions', () => {
  it('declining to comment, by a party the text holds responsible, is about its own role', () => {
    const [carried, declined] = run(
      'Israel carried out the strike, a newspaper said.\n\nThe Israeli military declined to comment.',
    );
    expect(carried?.speaker.actor).toBeNull();
    // "The Israeli military" is the Israel Defense Forces, less surely than by name.
    expect(declined).toMatchObject({
      rule: 'declines_to_comment',
      stance: 'declines_to_comment',
      speaker: { text: 'The Israeli military', actor: { id: 5 } },
      quote: { exact: 'The Israeli military declined to comment' },
    });
    expect(declined?.speaker.score).toBeLessThan(1);
    expect(declined?.attributions).toEqual([
      {
        actor: { id: 2, name: 'Israel' },
        actorText: 'The Israeli military',
        position: 'declines_to_comment',
        role: 'perpetrator',
      },
    ]);
    const idf = only.call(null, 'The IDF declined to comment on reports that Israel was behind the attack.');
    expect(idf.speaker.actor?.id).toBe(5);
    expect(idf.attributions).toEqual([
      {
        actor: { id: 2, name: 'Israel' },
        actorText: 'Israel',
        position: 'declines_to_comment',
        role: 'perpetrator',
      },
    ]);
  });

  it('"did not say who it suspected" proposes an attribution that names nobody (no_attribution)', () => {
    const c = only(
      'The Iranian Ministry of Defence released few details and did not say who it suspected was behind it.',
    );
    expect(c).toMatchObject({
      stance: 'declines_to_comment',
      speaker: { actor: { id: 3 } },
      quote: { exact: 'did not say who it suspected was behind it' },
    });
    expect(c.attributions).toEqual([
      { actor: null, actorText: null, position: 'no_attribution', role: 'perpetrator' },
    ]);
  });

  it('denials, speculation and downplaying', () => {
    const [denial, guess, downplay, plain] = run(
      [
        'Israel denied any involvement in the blast.',
        'Iran said Israel may have been behind the attack.',
        'The ministry said the attack caused only minor damage to a rooftop.',
        'Iran said its air defences brought down one drone, causing minor damage to the roof.',
      ].join('\n\n'),
    );
    expect(denial).toMatchObject({ stance: 'denies', speaker: { actor: { id: 2 } } });
    expect(denial?.attributions).toEqual([
      { actor: { id: 2, name: 'Israel' }, actorText: 'Israel', position: 'denies', role: 'perpetrator' },
    ]);
    expect(guess).toMatchObject({ stance: 'speculates' });
    expect(guess?.attributions).toEqual([
      { actor: { id: 2, name: 'Israel' }, actorText: 'Israel', position: 'speculates', role: 'perpetrator' },
    ]);
    expect(downplay?.stance).toBe('downplays');
    // A consequence tacked on with "causing" reports what happened; it does not minimise it.
    expect(plain?.stance).toBe('asserts');
  });

  it('blame by verb: "blamed X for", "accused X of"', () => {
    const [blamed, accused] = run(
      'Iran blamed Israel for the attack.\n\nThe IDF accused Iran of arming Russia.',
    );
    expect(blamed?.attributions.map((a) => a.actor?.id)).toEqual([2]);
    expect(accused?.attributions.map((a) => a.actor?.id)).toEqual([1]);
  });
});

describe('extraction: speakers', () => {
  it('names match across case, accents and word order; "the ministry" is the last ministry named', () => {
    const [first, second] = run(
      'IRAN’S DEFENCE MINISTRY said a workshop was hit.\n\nThe ministry said there was only minor damage.',
    );
    expect(first?.speaker.actor?.id).toBe(3);
    expect(second?.speaker).toMatchObject({ text: 'The ministry', actor: { id: 3 } });
    const accented = only('Hossein Amir-Abdollahián said the strike would not go unanswered.');
    expect(accented.speaker.actor?.id).toBe(6);
  });

  it('"he" is the last person named in the paragraph', () => {
    const [, quote] = run(
      'Hossein Amir-Abdollahian called the blast a cowardly strike. “Such actions cannot impact our experts,” he told IRNA.',
    );
    expect(quote).toMatchObject({ speaker: { text: 'he', actor: { id: 6 } }, stance: 'downplays' });
    expect(quote?.reportedVia.map((r) => r.actor?.id)).toEqual([4]);
  });

  it('"he" after two people: a guess with a lower score, the other person offered as an alternative', () => {
    const c = only('Antony Blinken met Hossein Amir-Abdollahian in Geneva. He said the talks were useful.');
    expect(c.speaker.text).toBe('He');
    expect(c.speaker.score).toBeLessThan(0.8);
    const named = [c.speaker.actor?.id, ...c.speaker.alternatives.map((a) => a.id)];
    expect(named).toEqual(expect.arrayContaining([6, 9]));
  });

  it('unknown speakers get a proposed actor with a guessed kind, and known near-misses as alternatives', () => {
    const found = run(
      [
        'Sources familiar with the operation said Israel was behind it.',
        'Kayhan newspaper reported that the factory made missiles.',
        'Iran’s Intelligence Ministry said it had arrested a cell.',
        'Deputy Governor Mohammad Reza Jan-Nesari said there were no casualties.',
      ].join('\n\n'),
    );
    expect(found.map((c) => [c.speaker.actor, c.speaker.proposed])).toEqual([
      [null, { name: 'Sources familiar with the operation', kind: 'group' }],
      [null, { name: 'Kayhan newspaper', kind: 'media_outlet' }],
      [null, { name: 'Iran’s Intelligence Ministry', kind: 'government_body' }],
      [null, { name: 'Deputy Governor Mohammad Reza Jan-Nesari', kind: 'person' }],
    ]);
    for (const c of found) expect(c.speaker.alternatives.length).toBeLessThanOrEqual(3);
  });
});

describe('extraction: traps', () => {
  it('a quote with no speaker in reach yields nothing', () => {
    expect(
      run('The banner read: nothing.\n\n“Death to the dictator, and to all who serve him in the palace.”'),
    ).toEqual([]);
  });

  it('nested quotes are one quote, marks inside kept', () => {
    const c = only(
      '“He told me ‘we will win this war’, and I believed him,” the envoy’s aide, Antony Blinken, said.',
    );
    expect(c.quote.exact).toBe('He told me ‘we will win this war’, and I believed him');
    expect(c.speaker.actor?.id).toBe(9);
  });

  it('"said" that is not speech: "so-called", "said to be", a passive report', () => {
    expect(
      run(
        'The so-called “axis of resistance” grew.\n\nThe factory, said to be a munitions plant, burned.\n\nExplosions were reported near Tabriz.',
      ),
    ).toEqual([]);
  });

  it('statements about other times are kept as background: low confidence, not proposed', () => {
    const found = run(
      'Last year, Iran said an engineer was killed at Parchin.\n\nIn 2021, Iranian officials said they thwarted a sabotage attack.',
    );
    expect(found).toHaveLength(2);
    for (const c of found) {
      expect(c.signals.otherTime).toBe(true);
      expect(c.confidence).toBeLessThan(MIN_CONFIDENCE);
    }
  });

  it('text in another language yields nothing', () => {
    expect(
      run(
        'Za atak dronów na instalacje wojskowe w Isfahanie jest odpowiedzialny Izrael - poinformował w niedzielę portal amerykańskiego dziennika, powołując się na źródła. Izraelskie wojsko odmawia komentarzy w sprawie incydentu.',
      ),
    ).toEqual([]);
  });

  it('the same text gives the same candidates, fingerprints included', () => {
    const text = '“Two drones were shot down,” the ministry said.\n\nIran blamed Israel for the attack.';
    expect(run(text)).toEqual(run(text));
    expect(new Set(run(text).map((c) => c.fingerprint)).size).toBe(2);
  });
});

describe('extraction: the seed case', () => {
  const seed = JSON.parse(
    readFileSync(join(import.meta.dirname, '..', '..', 'seeds', 'isfahan.json'), 'utf8'),
  ) as {
    actors: {
      key: string;
      name: string;
      kind: KnownActor['kind'];
      aliases: string[];
      parent: string | null;
    }[];
    sources: { key: string; file: string }[];
    claims: {
      key: string;
      source: string;
      claimant: string | null;
      stance: string;
      quote: { exact: string; prefix?: string };
    }[];
  };
  const ids = new Map(seed.actors.map((a, i) => [a.key, i + 1]));
  const actors: KnownActor[] = seed.actors.map((a, i) => ({
    id: i + 1,
    name: a.name,
    kind: a.kind,
    aliases: a.aliases,
    parentId: a.parent ? (ids.get(a.parent) ?? null) : null,
  }));

  it('finds every statement the seed records, with the seed’s claimant and stance', () => {
    const misses: string[] = [];
    let checked = 0;
    for (const source of seed.sources) {
      const text = readFileSync(join(import.meta.dirname, '..', '..', 'seeds', source.file), 'utf8');
      const found = extractCandidates(text, actors);
      for (const claim of seed.claims.filter((c) => c.source === source.key && c.claimant !== null)) {
        checked++;
        const anchored = anchorQuote(text, claim.quote);
        if (!anchored.ok) throw new Error(`seed quote ${claim.key} does not anchor`);
        const { start, end } = anchored.selector;
        // The same test as the development set's scorer: spans overlap by at least half of the shorter one.
        const hit = found.find((c) => {
          const inter = Math.min(c.quote.end, end) - Math.max(c.quote.start, start);
          return inter > 0 && inter >= 0.5 * Math.min(c.quote.end - c.quote.start, end - start);
        });
        if (hit?.speaker.actor?.id !== ids.get(claim.claimant as string) || hit?.stance !== claim.stance) {
          misses.push(
            `${claim.key}: ${hit ? `${hit.speaker.actor?.name ?? hit.speaker.text} / ${hit.stance}` : 'not found'}`,
          );
        }
      }
    }
    expect(checked).toBe(20);
    expect(misses).toEqual([]);
  });
});
