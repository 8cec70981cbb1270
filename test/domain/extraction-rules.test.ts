import { describe, expect, it } from 'vitest';
import {
  type ExtractedCandidate,
  extractCandidates,
  type KnownActor,
} from '../../src/domain/extraction/index.js';

// Rules added for reporting beyond the development set: each with the pattern and a trap.
const ACTORS: KnownActor[] = [
  { id: 1, name: 'Russia', kind: 'state', aliases: [], parentId: null },
  { id: 2, name: 'Embassy of Russia in Poland', kind: 'government_body', aliases: [], parentId: 1 },
  { id: 3, name: 'Irina Volkova', kind: 'person', aliases: [], parentId: 1 },
  { id: 4, name: 'TASS', kind: 'media_outlet', aliases: [], parentId: 1 },
  { id: 5, name: 'Israel Defense Forces', kind: 'military', aliases: ['IDF'], parentId: null },
  { id: 6, name: 'Rapid Support Forces', kind: 'military', aliases: ['RSF'], parentId: null },
  { id: 7, name: 'Chad', kind: 'state', aliases: [], parentId: null },
  { id: 8, name: 'Guyana', kind: 'state', aliases: [], parentId: null },
  { id: 9, name: 'Venezuela', kind: 'state', aliases: [], parentId: null },
  { id: 10, name: 'NoName057(16)', kind: 'group', aliases: [], parentId: null },
  { id: 11, name: 'Rwanda', kind: 'state', aliases: [], parentId: null },
  { id: 12, name: 'Georgian officials', kind: 'group', aliases: [], parentId: null },
  { id: 13, name: 'Reuters', kind: 'media_outlet', aliases: [], parentId: null },
  {
    id: 14,
    name: 'United Nations Organization Stabilization Mission in the DR Congo',
    kind: 'government_body',
    aliases: ['MONUSCO'],
    parentId: null,
  },
  { id: 15, name: 'Dmitry Orlov', kind: 'person', aliases: [], parentId: 1 },
  { id: 16, name: 'United States', kind: 'state', aliases: [], parentId: null },
];
const run = (text: string) => extractCandidates(text, ACTORS);
const only = (text: string): ExtractedCandidate => {
  const found = run(text);
  expect(found, JSON.stringify(found.map((c) => c.quote.exact))).toHaveLength(1);
  return found[0] as ExtractedCandidate;
};
const blamed = (c: ExtractedCandidate | undefined) =>
  (c?.attributions ?? []).map((a) => [a.actor?.id ?? a.actorText, a.position, a.role]);

describe('extraction: declining, in its other forms', () => {
  it('"declined to respond", "would not identify", "has not commented"', () => {
    for (const text of [
      'Venezuela has so far declined to respond to a diplomatic note about the shelling.',
      'The RSF would not identify the unit that fired the missile.',
      'Chad has not commented on the crash.',
    ]) {
      expect(only(text).stance).toBe('declines_to_comment');
    }
  });

  it('trap: a negated verb that withholds nothing ("did not mention the depot") is no refusal', () => {
    expect(run('Russia did not mention the depot in its statement.')).toEqual([]);
  });
});

describe('extraction: speakers with a preposition, an aside or a bracket', () => {
  it('"a spokesman for X" speaks for X; "the IDF in a statement" is the IDF', () => {
    const embassy = only(
      'A spokesman for the Russian embassy in Warsaw said Moscow had nothing to do with the cyberattack.',
    );
    expect(embassy.speaker).toMatchObject({
      text: 'A spokesman for the Russian embassy in Warsaw',
      actor: { id: 2 },
    });
    expect(only('The IDF in a statement said two rockets were intercepted.').speaker.actor?.id).toBe(5);
  });

  it('trap: the place after the speaker is not the speaker ("monitors in Chad")', () => {
    const c = only('Independent monitors in Chad said the plane was hit by a missile.');
    expect(c.speaker.actor).toBeNull();
    expect(c.speaker.text).toBe('Independent monitors in Chad');
  });

  it('an aside after the speaker ("speaking on condition of anonymity") and a name with a bracket', () => {
    const official = only(
      'A Georgian security official, speaking on condition of anonymity, told Reuters that traces of explosives were found at the site.',
    );
    expect(official.speaker.actor?.id).toBe(12);
    expect(official.reportedVia.map((r) => r.actor?.id)).toEqual([13]);
    expect(official.quote.exact).toBe('traces of explosives were found at the site');
    const claim = only(
      'A hacker group calling itself NoName057(16) claimed responsibility on its Telegram channel.',
    );
    expect(claim.speaker.actor?.id).toBe(10);
    expect(blamed(claim)).toEqual([[10, 'asserts', 'perpetrator']]);
  });

  it('"according to him", and "according to X, NAME, ..." where the name speaks', () => {
    const him = only(
      'Dmitry Orlov spoke to reporters on Thursday. According to him, the Estonian authorities rushed to blame Moscow for the attack.',
    );
    expect(him).toMatchObject({ rule: 'according_to', speaker: { text: 'him', actor: { id: 15 } } });
    const mission = only(
      'According to the UN peacekeeping mission, MONUSCO, the plane was hit shortly after 18:00 local time.',
    );
    expect(mission.speaker).toMatchObject({ text: 'MONUSCO', actor: { id: 14 } });
    expect(mission.quote.exact).toBe('the plane was hit shortly after 18:00 local time');
  });
});

describe('extraction: one sentence, two statements', () => {
  it('"X denied A and accused B of C": a denial and a charge, both by X', () => {
    const [denial, charge] = run(
      'The RSF has denied any involvement and accused the Chadian army of downing the aircraft by mistake.',
    );
    expect(denial).toMatchObject({
      stance: 'denies',
      speaker: { actor: { id: 6 } },
      quote: { exact: 'The RSF has denied any involvement' },
    });
    expect(charge).toMatchObject({ speaker: { actor: { id: 6 } }, stance: 'asserts' });
    expect(charge?.quote.exact).toBe('accused the Chadian army of downing the aircraft by mistake');
    expect(blamed(charge)).toEqual([[7, 'asserts', 'perpetrator']]);
  });

  it('"X said A but did not say B": the statement stops where the refusal starts', () => {
    const [said, refused] = run(
      'Chad said the explosion was "an act of deliberate sabotage" but did not say who it believed was responsible.',
    );
    expect(said?.quote.exact).toBe('the explosion was "an act of deliberate sabotage"');
    expect(refused).toMatchObject({ stance: 'declines_to_comment', speaker: { actor: { id: 7 } } });
  });

  it('trap: "and" joining two deeds is one statement', () => {
    const c = only('Chad said the missile hit the tail and destroyed the engine.');
    expect(c.quote.exact).toBe('the missile hit the tail and destroyed the engine');
  });
});

describe('extraction: blame and denial in other words', () => {
  it('"holds X fully responsible"', () => {
    const c = only(
      'The Government of Guyana holds the Bolivarian Republic of Venezuela fully responsible for this attack.',
    );
    expect(c.speaker.actor?.id).toBe(8);
    expect(blamed(c)).toEqual([[9, 'asserts', 'perpetrator']]);
  });

  it('"dismissed suggestions of Russian involvement as ...": a denial, clearing Russia, carried by TASS', () => {
    const c = only(
      'Russian Foreign Ministry spokeswoman Irina Volkova dismissed suggestions of Russian involvement as "absurd fantasies", according to the state news agency TASS.',
    );
    expect(c).toMatchObject({ stance: 'denies', speaker: { actor: { id: 3 } } });
    expect(c.reportedVia.map((r) => r.actor?.id)).toEqual([4]);
    expect(blamed(c)).toEqual([[1, 'denies', 'perpetrator']]);
  });

  it('trap: rejecting something that is no charge is not a denial ("rejected criticism of the reform")', () => {
    expect(run('Orlov rejected criticism of the pension reform.')).toEqual([]);
  });

  it('"X had “nothing to do with” it" clears X, quotation marks or not; a negated deed denies', () => {
    const c = only('Rwanda’s spokeswoman told Reuters that Kigali had "nothing to do with this tragedy".');
    expect(c.stance).toBe('denies');
    expect(blamed(c)).toEqual([[11, 'denies', 'perpetrator']]);
    expect(only('The RSF said its units "did not open fire on civilian areas" near the border.').stance).toBe(
      'denies',
    );
  });

  it('"backed by X" and "X-backed" name a sponsor', () => {
    const c = only(
      'The minister said the attack was carried out by terrorist groups backed by the American occupation forces.',
    );
    expect(blamed(c)).toEqual([[16, 'asserts', 'sponsor']]);
  });
});

describe('extraction: who "the governor" is, and live-blog speakers', () => {
  const people: KnownActor[] = [
    ...ACTORS,
    { id: 20, name: 'Alexander Kurbatov', kind: 'person', aliases: [], parentId: 1 },
    { id: 21, name: 'Davit Hakobyan', kind: 'person', aliases: [], parentId: null },
    { id: 22, name: 'John Kirby', kind: 'person', aliases: ['Kirby'], parentId: 16 },
  ];
  it('"the regional governor said" before "Gov. Alexander Kurbatov wrote": the governor named next', () => {
    const [lede] = extractCandidates(
      'A drone attack set fire to an oil depot early Wednesday, the regional governor said.\n\nGov. Alexander Kurbatov wrote on Telegram that the drone hit a fuel tank.',
      people,
    );
    expect(lede?.speaker).toMatchObject({ text: 'the regional governor', actor: { id: 20 } });
  });

  it('trap: a title nobody in the text holds stays unresolved ("the mayor said")', () => {
    const [lede] = extractCandidates(
      'A drone attack set fire to an oil depot early Wednesday, the mayor said.\n\nGov. Alexander Kurbatov wrote on Telegram that the drone hit a fuel tank.',
      people,
    );
    expect(lede?.speaker.actor).toBeNull();
  });

  it('`Name: "Q"` and `Kirby: Q` at the start of a paragraph', () => {
    const found = extractCandidates(
      '10:31\nArmenian Prime Minister Davit Hakobyan: "This is a deliberate attempt to terrorise our border villages."\n\nKirby: We are not seeking a wider war in the region.',
      people,
    );
    expect(found.map((c) => [c.rule, c.speaker.actor?.id, c.cue.text, c.quote.exact])).toEqual([
      ['speaker_then_quote', 21, ':', 'This is a deliberate attempt to terrorise our border villages.'],
      ['speaker_then_quote', 22, ':', 'We are not seeking a wider war in the region'],
    ]);
  });

  it('trap: a label before a colon is no speaker ("Update: ...", "Here is what we know: ...")', () => {
    expect(
      extractCandidates(
        'Update: the shelling lasted about forty minutes overnight.\n\nHere is what we know so far: three houses were hit.',
        people,
      ),
    ).toEqual([]);
  });
});

describe('extraction: who did it, in the words of the deed', () => {
  it('"X forces opened fire", "a Ukrainian drone attack", "denied shooting down": the party and its position', () => {
    const found = run(
      [
        'Chad said Venezuelan forces opened fire on the village overnight.',
        'Russia said a Ukrainian drone attack set fire to an oil depot.',
        'The RSF denied shooting down the aircraft.',
      ].join('\n\n'),
    );
    expect(found.map(blamed)).toEqual([
      [[9, 'asserts', 'perpetrator']],
      [['Ukrainian', 'asserts', 'perpetrator']],
      [[6, 'denies', 'perpetrator']],
    ]);
  });

  it('a denial in the speaker’s own words clears the speaker’s side ("its units did not open fire")', () => {
    const c = only('The RSF said its units "did not open fire on civilian areas" near the border.');
    expect(blamed(c)).toEqual([[6, 'denies', 'perpetrator']]);
  });

  it('a party held responsible by a verb ("holds X responsible") that then declines is declining about its role', () => {
    const [, declined] = run(
      'Guyana holds Venezuela fully responsible for the attack.\n\nVenezuela has so far declined to respond to a diplomatic note.',
    );
    expect(blamed(declined)).toEqual([[9, 'declines_to_comment', 'perpetrator']]);
  });

  it('trap: an air defence shooting down drones holds nobody responsible; a name is not a deed ("William Burns")', () => {
    const c = only('Russia said its air defences shot down 14 drones overnight.');
    expect(c.attributions).toEqual([]);
    const burns = only('Last week, Chad said CIA Director William Burns made an unannounced trip to Israel.');
    expect(burns.signals.incident).toBe(false);
  });
});

describe('extraction: more speakers, blame positions and statements that go on', () => {
  const more: KnownActor[] = [
    ...ACTORS,
    {
      id: 30,
      name: 'US Department of State',
      kind: 'government_body',
      aliases: ['State Department'],
      parentId: 16,
    },
    { id: 31, name: 'Iranian officials', kind: 'group', aliases: [], parentId: null },
    { id: 32, name: 'Hezbollah', kind: 'group', aliases: [], parentId: null },
    { id: 33, name: 'Armed Forces of Ukraine', kind: 'military', aliases: [], parentId: 34 },
    { id: 34, name: 'Ukraine', kind: 'state', aliases: [], parentId: null },
    { id: 35, name: 'Israel', kind: 'state', aliases: [], parentId: null },
    { id: 36, name: 'Houthis', kind: 'group', aliases: [], parentId: null },
    { id: 37, name: 'Yuriy Kovalenko', kind: 'person', aliases: [], parentId: 34 },
    { id: 38, name: 'Iran', kind: 'state', aliases: [], parentId: null },
  ];
  const go = (text: string) => extractCandidates(text, more);

  it('"a senior State Department official" speaks for the State Department, not for another country’s officials', () => {
    const [c] = go(
      '"The Houthis could not sustain this campaign without help," a senior State Department official told reporters.',
    );
    expect(c?.speaker.actor?.id).toBe(30);
  });

  it('"Ukraine’s military" is its armed forces; "the group" is the group named before the speaker', () => {
    expect(
      go('Ukraine’s military says Russian forces blew up the dam overnight.')[0]?.speaker.actor?.id,
    ).toBe(33);
    const [c] = go('An airstrike in Beirut killed a senior Hezbollah commander on Tuesday, the group said.');
    expect(c?.speaker).toMatchObject({ text: 'the group', actor: { id: 32 } });
  });

  it('"condemned X as ..." is a statement; trap: a verb that takes an object does not invert (", condemned the strike")', () => {
    const [c] = go(
      'Lebanon’s prime minister, Najib Haddad, condemned the strike as "a blatant violation of Lebanese sovereignty".',
    );
    expect(c).toMatchObject({ speaker: { text: 'Najib Haddad' }, cue: { text: 'condemned' } });
    expect(c?.quote.exact).toContain('condemned the strike as');
  });

  it('in a denial, what it clears is denied and what else it names is blamed', () => {
    const [c] = go(
      'Dmitry Orlov: "This is deliberate sabotage by the Kyiv regime. We reject the accusations against Russia."',
    );
    expect(c?.stance).toBe('denies');
    expect(blamed(c)).toEqual([
      [34, 'asserts', 'perpetrator'],
      [1, 'denies', 'perpetrator'],
    ]);
  });

  it('"had no role", "held X accountable", "the Israeli regime’s missile attack", "claimed the attacks"', () => {
    const found = go(
      [
        'Iran’s spokesman said Tehran had no role in the incident.',
        'Kovalenko said Kyiv held Russia accountable.',
        'Iran said the Israeli regime’s missile attack killed two advisers.',
        'The Houthis claimed the attacks within hours.',
      ].join('\n\n'),
    );
    expect(found.map(blamed)).toEqual([
      [[38, 'denies', 'perpetrator']],
      [[1, 'asserts', 'perpetrator']],
      [[35, 'asserts', 'perpetrator']],
      [[36, 'asserts', 'perpetrator']],
    ]);
  });

  it('a statement that goes on from the same speaker’s statement about the story counts as about it; trap: another speaker’s does not', () => {
    const [first, second] = go(
      'Yuriy Kovalenko said the missile was a Russian Kh-31 fired from a fighter jet. "We have the radar tracks. There is no doubt," he said.',
    );
    expect(first?.signals.incident).toBe(true);
    expect(second?.signals).toMatchObject({ continues: true, incident: false });
    expect(second?.confidence).toBeGreaterThanOrEqual(0.5);
    const [, other] = go(
      'Yuriy Kovalenko said the missile was a Russian Kh-31 fired from a fighter jet. "We have the tracks," Orlov said.',
    );
    expect(other?.signals.continues).toBe(false);
  });
});

describe('extraction: a headline over the body', () => {
  const sides: KnownActor[] = [
    { id: 1, name: 'Azerbaijan', kind: 'state', aliases: [], parentId: null },
    { id: 2, name: 'Azerbaijani Ministry of Defence', kind: 'government_body', aliases: [], parentId: 1 },
    { id: 3, name: 'Armenia', kind: 'state', aliases: [], parentId: null },
  ];
  it('"Baku denies targeting civilians" sums up the defence ministry’s denial: one candidate, the body’s', () => {
    const found = extractCandidates(
      'Live: Shelling hits border village; Baku denies targeting civilians\n\n09:40\nAzerbaijan’s defence ministry says its units "did not open fire on civilian areas".',
      sides,
      { title: 'Live: Shelling hits border village; Baku denies targeting civilians' },
    );
    expect(found.map((c) => [c.speaker.actor?.id, c.stance, c.quote.exact])).toEqual([
      [2, 'denies', 'its units "did not open fire on civilian areas"'],
    ]);
  });

  it('trap: a headline by another side, or with another stance, stays', () => {
    const found = extractCandidates(
      'Yerevan says shelling hit a school\n\nAzerbaijan’s defence ministry denied that its units opened fire on the village.',
      [...sides],
    );
    expect(found).toHaveLength(2);
  });
});

describe('extraction: blame inside what someone says', () => {
  const sides: KnownActor[] = [
    { id: 1, name: 'Israel', kind: 'state', aliases: [], parentId: null },
    { id: 2, name: 'Israel Defense Forces', kind: 'military', aliases: ['IDF'], parentId: 1 },
    { id: 3, name: 'Iran', kind: 'state', aliases: [], parentId: null },
    { id: 4, name: 'Nasser Rahimi', kind: 'person', aliases: [], parentId: 3 },
    { id: 5, name: 'United States', kind: 'state', aliases: [], parentId: null },
    { id: 6, name: 'Ukraine', kind: 'state', aliases: [], parentId: null },
  ];
  const go = (text: string) => extractCandidates(text, sides);

  it('"the military said it had carried out a targeted strike": its own side, through a participle before the noun', () => {
    const [c] = go('The Israeli military said it had carried out "a targeted strike" in Beirut.');
    expect(blamed(c)).toEqual([[1, 'asserts', 'perpetrator']]);
  });

  it('"Rahimi said Tehran held the United States accountable": Rahimi speaks, the United States is blamed', () => {
    const [c] = go(
      'Foreign Ministry spokesman Nasser Rahimi said Tehran held the United States accountable as well.',
    );
    expect(c?.speaker.actor?.id).toBe(4);
    expect(blamed(c)).toEqual([[5, 'asserts', 'perpetrator']]);
  });

  it('a gerund the tagger reads as a verb: "after repeated Ukrainian shelling damaged its gates"', () => {
    const [c] = go('Iran said the dam collapsed after repeated Ukrainian shelling damaged its sluice gates.');
    expect(blamed(c)).toEqual([[6, 'asserts', 'perpetrator']]);
  });

  it('trap: a person saying "it" is not blaming themself ("he said it had carried out ...")', () => {
    const [c] = go('Nasser Rahimi said it had carried out a strike on the consulate.');
    expect(c?.attributions).toEqual([]);
  });
});
