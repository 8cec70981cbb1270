import type { ClaimInput } from '../../src/modules/claims/claims.schemas.js';
import type { SourceInput } from '../../src/modules/sources/sources.schemas.js';
import { capitalize as cap, type PlannedActor } from './actors.js';
import { dayText, type PlannedEvent } from './events.js';
import { at, type Rng } from './rng.js';
import { COUNTRIES, MONTHS, NAMES, WEEKDAYS } from './words.js';

export type Stance = ClaimInput['stance'];
export type Modality = ClaimInput['modality'];
export type PropType =
  | 'blame'
  | 'sponsor'
  | 'damage'
  | 'casualties'
  | 'intercept'
  | 'occurred'
  | 'retaliation'
  | 'cause';

/** What one claim says, decided before the words are written. */
export interface StatementPlan {
  type: PropType;
  variant: Variant;
  claimant: PlannedActor | null;
  via: PlannedActor[];
  /** The event the words are about (also the claim's event unless `eventId` is null). */
  event: PlannedEvent;
  eventId: number | null;
  /** For `sponsor` claims: who backed the accused. */
  sponsor: PlannedActor | null;
  statedAtMs: number | null;
}

/** A claim as written into the article: its proposition and where its quote lies (UTF-16 offsets). */
export interface WrittenClaim {
  plan: StatementPlan;
  text: string;
  modality: Modality;
  start: number;
  end: number;
}

export interface Article {
  title: string;
  text: string;
  claims: WrittenClaim[];
}

interface Ctx {
  /** The accused, as named in running text. */
  A: string;
  /** The sponsor. */
  S: string;
  N: string;
  F: string;
  C: string;
  P: string;
  Sh: string;
  T: string;
  n: number;
  m: number;
  time: string;
}

type Tpl = (x: Ctx) => string;

export interface Variant {
  stance: Stance;
  text: Tpl;
  direct: Tpl[];
  para: Tpl[];
  clause: Tpl[];
}

// Each proposition in plain words (the claim text), and the ways a claimant is reported saying it:
// a direct quote, a paraphrasing verb phrase ("blamed X for …"), or a clause ("According to …, X did …").
export const PROPOSITIONS: Record<PropType, Variant[]> = {
  blame: [
    {
      stance: 'asserts',
      text: (x) => `${cap(x.A)} carried out ${x.P}.`,
      direct: [
        (x) => `${cap(x.A)} is behind this cowardly ${x.N}`,
        (x) => `${cap(x.P)} was carried out by ${x.A}`,
        (x) => `All the evidence points to ${x.A}`,
        (x) => `This act of aggression by ${x.A} will not go unanswered`,
      ],
      para: [
        (x) => `blamed ${x.A} for ${x.Sh}`,
        (x) => `held ${x.A} responsible for ${x.P}`,
        (x) => `accused ${x.A} of carrying out ${x.Sh}`,
      ],
      clause: [(x) => `${x.A} carried out ${x.P}`, (x) => `${x.Sh} was the work of ${x.A}`],
    },
    {
      stance: 'denies',
      text: (x) => `${cap(x.A)} carried out ${x.P}.`,
      direct: [
        (x) => `${cap(x.A)} had nothing to do with ${x.Sh}`,
        (x) => `These accusations against ${x.A} are baseless and absurd`,
        (x) => `We categorically reject any involvement in ${x.P}`,
      ],
      para: [
        (x) => `denied that ${x.A} had any role in ${x.Sh}`,
        (x) => `rejected claims that ${x.A} was behind ${x.P}`,
      ],
      clause: [(x) => `${x.A} played no part in ${x.Sh}`],
    },
    {
      stance: 'speculates',
      text: (x) => `${cap(x.A)} carried out ${x.P}.`,
      direct: [
        (x) => `It is possible that ${x.A} was behind this`,
        (x) => `We cannot rule out that ${x.A} was involved`,
      ],
      para: [
        (x) => `suggested that ${x.A} may have been behind ${x.Sh}`,
        (x) => `said ${x.A} was the most likely culprit`,
      ],
      clause: [(x) => `${x.A} may have been responsible for ${x.Sh}`],
    },
    {
      stance: 'declines_to_comment',
      text: (x) => `${cap(x.A)} carried out ${x.P}.`,
      direct: [
        () => 'We do not comment on operational matters',
        () => 'I will not speculate on who is responsible',
      ],
      para: [
        (x) => `declined to comment on whether ${x.A} was behind ${x.Sh}`,
        (x) => `refused to say whether ${x.A} was involved`,
      ],
      clause: [],
    },
  ],
  sponsor: [
    {
      stance: 'asserts',
      text: (x) => `${cap(x.A)} carried out ${x.P} with the backing of ${x.S}.`,
      direct: [
        (x) => `The drones were launched by ${x.A} with the support of ${x.S}`,
        (x) => `${cap(x.S)} armed and trained those who carried out this ${x.N}`,
      ],
      para: [(x) => `said ${x.A} had acted with the backing of ${x.S}`],
      clause: [(x) => `${x.A} carried out the ${x.N} with help from ${x.S}`],
    },
    {
      stance: 'speculates',
      text: (x) => `${cap(x.A)} carried out ${x.P} with the backing of ${x.S}.`,
      direct: [(x) => `It would not surprise us if ${x.S} had a hand in this`],
      para: [(x) => `suggested that ${x.S} may have helped ${x.A} carry out ${x.Sh}`],
      clause: [(x) => `${x.A} may have had help from ${x.S}`],
    },
  ],
  damage: [
    {
      stance: 'asserts',
      text: (x) => `${cap(x.P)} caused serious damage to the ${x.F}.`,
      direct: [(x) => `The ${x.F} was badly damaged`, () => 'Several buildings at the site were destroyed'],
      para: [(x) => `said the ${x.F} had been badly damaged`],
      clause: [
        (x) => `the ${x.F} was badly damaged`,
        (x) => `several buildings at the ${x.F} were destroyed`,
      ],
    },
    {
      stance: 'downplays',
      text: (x) => `${cap(x.P)} caused serious damage to the ${x.F}.`,
      direct: [
        (x) => `There was only minor damage to the roof of the ${x.F}`,
        () => 'The damage is insignificant and work at the site continues as normal',
      ],
      para: [
        (x) => `described the damage to the ${x.F} as minor`,
        (x) => `played down ${x.Sh}, calling it a failed attempt`,
      ],
      clause: [(x) => `the damage to the ${x.F} was minor`],
    },
    {
      stance: 'denies',
      text: (x) => `${cap(x.P)} caused serious damage to the ${x.F}.`,
      direct: [(x) => `Reports of damage to the ${x.F} are false`],
      para: [(x) => `denied that the ${x.F} had been damaged`],
      clause: [(x) => `the ${x.F} was not damaged`],
    },
  ],
  casualties: [
    {
      stance: 'asserts',
      text: (x) => `At least ${x.n} people were killed in ${x.P}.`,
      direct: [
        (x) => `At least ${x.n} people were killed and ${x.m} injured`,
        (x) => `${x.n} of our personnel were martyred in this criminal attack`,
      ],
      para: [(x) => `said at least ${x.n} people had been killed`],
      clause: [(x) => `at least ${x.n} people were killed and ${x.m} were wounded`],
    },
    {
      stance: 'downplays',
      text: (x) => `People were killed in ${x.P}.`,
      direct: [() => 'No one was hurt', () => 'There were no casualties, thank God'],
      para: [() => 'said nobody had been hurt'],
      clause: [() => 'there were no casualties'],
    },
    {
      stance: 'denies',
      text: (x) => `People were killed in ${x.P}.`,
      direct: [() => 'Reports of casualties are completely false'],
      para: [() => 'denied reports of casualties'],
      clause: [() => 'nobody was killed'],
    },
  ],
  intercept: [
    {
      stance: 'asserts',
      text: (x) => `Air defences shot down ${x.n} drones during ${x.P}.`,
      direct: [
        (x) => `Our air defence systems shot down ${x.n} drones over ${x.C}`,
        (x) => `All ${x.n} drones were intercepted before they reached their target`,
      ],
      para: [(x) => `said air defences had intercepted ${x.n} drones`],
      clause: [(x) => `air defences shot down ${x.n} drones over ${x.C}`],
    },
    {
      stance: 'denies',
      text: (x) => `Air defences shot down ${x.n} drones during ${x.P}.`,
      direct: [() => 'None of our drones was intercepted'],
      para: [() => 'denied that any drones had been shot down'],
      clause: [() => 'no drones were intercepted'],
    },
  ],
  occurred: [
    {
      stance: 'asserts',
      text: (x) => `Explosions were heard near the ${x.F} in ${x.C}.`,
      direct: [
        (x) => `We heard ${x.n} loud explosions and then the sky lit up`,
        () => 'The whole building shook…\u00a0then came a second blast',
      ],
      para: [(x) => `reported hearing several loud explosions near the ${x.F}`],
      clause: [
        (x) => `explosions were heard near the ${x.F} in ${x.C} shortly after ${x.time}\u00a0local time`,
        (x) => `a large fire broke out at the ${x.F} after ${x.n} blasts`,
      ],
    },
    {
      stance: 'downplays',
      text: (x) => `Explosions were heard near the ${x.F} in ${x.C}.`,
      direct: [() => 'What people heard was a planned exercise by air defence units'],
      para: [() => 'said the blasts were caused by an air defence exercise'],
      clause: [() => 'the blasts were part of a planned air defence exercise'],
    },
  ],
  retaliation: [
    {
      stance: 'asserts',
      text: (x) => `${cap(x.T)} will retaliate for ${x.Sh}.`,
      direct: [
        () => 'We reserve the right to respond at a time and place of our choosing',
        () => 'The perpetrators of this crime will face a crushing response',
        () => 'We will respond … decisively and at the right time',
      ],
      para: [(x) => `vowed to retaliate for ${x.Sh}`, () => 'warned of a firm response'],
      clause: [(x) => `${x.T} would respond to ${x.Sh}`],
    },
  ],
  cause: [
    {
      stance: 'speculates',
      text: (x) => `${cap(x.P)} was an act of sabotage.`,
      direct: [
        () => 'We do not rule out sabotage',
        () => 'It is too early to say, but sabotage is one possibility',
      ],
      para: [() => 'said sabotage could not be ruled out'],
      clause: [(x) => `sabotage may have caused the blast at the ${x.F}`],
    },
    {
      stance: 'downplays',
      text: (x) => `${cap(x.P)} was an act of sabotage.`,
      direct: [() => 'The fire was caused by a technical fault'],
      para: [(x) => `attributed the fire at the ${x.F} to a technical fault`],
      clause: [(x) => `a technical fault caused the fire at the ${x.F}`],
    },
    {
      stance: 'declines_to_comment',
      text: (x) => `${cap(x.P)} was an act of sabotage.`,
      direct: [() => 'We will not comment while the investigation is under way'],
      para: [() => 'declined to comment on the cause of the blast'],
      clause: [],
    },
  ],
};

/** Whose side usually says it: the target's officials assert damage and blame, the accused's deny. */
export function sideOf(type: PropType, stance: Stance): 'target' | 'accused' | 'any' {
  switch (type) {
    case 'blame':
      return stance === 'asserts' ? 'target' : stance === 'speculates' ? 'any' : 'accused';
    case 'sponsor':
    case 'retaliation':
    case 'cause':
      return 'target';
    case 'damage':
      return stance === 'asserts' ? 'accused' : 'target';
    case 'casualties':
      return 'target';
    case 'intercept':
      return stance === 'denies' ? 'accused' : 'target';
    default:
      return 'any';
  }
}

/** Per-source typography: how the outlet writes quotes, paragraphs and spaces. */
export interface Style {
  curly: boolean;
  sep: string;
  /** Some spaces written as no-break spaces (copy-pasted HTML). */
  nbsp: boolean;
  /** Soft hyphens inside long words (hyphenated HTML). */
  softHyphen: boolean;
  /** Hard line breaks at ~76 columns. */
  wrap: boolean;
}

export interface ArticleSpec {
  kind: SourceInput['kind'];
  publisher: PlannedActor | null;
  event: PlannedEvent;
  statements: StatementPlan[];
  publishedMs: number;
  /** Length to reach with background paragraphs, in UTF-16 units. */
  targetLength: number;
  style: Style;
}

interface Piece {
  text: string;
  claim?: WrittenClaim;
}

const quoteMarks = (style: Style) => (style.curly ? (['“', '”'] as const) : (['"', '"'] as const));

function contextOf(event: PlannedEvent, sponsor: PlannedActor | null, rng: Rng): Ctx {
  return {
    A: event.accused.mention,
    S: sponsor?.mention ?? 'a foreign power',
    N: event.noun,
    F: event.facility,
    C: event.place,
    P: event.phrase,
    Sh: event.short,
    T: event.targetMention,
    n: rng.int(2, 40),
    m: rng.int(1, 60),
    time: `${String(rng.int(0, 23)).padStart(2, '0')}:${String(rng.int(0, 5) * 10).padStart(2, '0')}`,
  };
}

const subject = (a: PlannedActor) => (a.appositive ? `${a.mention},` : a.mention);

function whenPhrase(ms: number | null, rng: Rng): string {
  if (ms === null) return rng.pick(['', '', ' later', ' in a statement']);
  const d = new Date(ms);
  const day = at(WEEKDAYS, d.getUTCDay());
  return rng.pick([` on ${day}`, ` late on ${day}`, ` on ${day} evening`, ` on ${dayText(d)}`]);
}

interface Rendered {
  parts: [string, string, string];
  modality: Modality;
  claimText: string;
}

/** The words of one claim: text before the quote, the quote, text after; and the modality. */
function render(plan: StatementPlan, style: Style, rng: Rng): Rendered {
  // One context for the quote and the claim text, so that numbers and names agree.
  const x = contextOf(plan.event, plan.sponsor, rng);
  const claimText = plan.variant.text(x);
  const v = plan.variant;
  const [oq, cq] = quoteMarks(style);
  const speaker = plan.claimant;
  const when = whenPhrase(plan.statedAtMs, rng);
  const via = plan.via;
  const v0 = via[0];
  const v1 = via[1];
  const viaTail = v0
    ? v1
      ? `, in remarks carried by ${v0.mention} and cited by ${v1.mention}`
      : `, according to ${v0.mention}`
    : '';

  if (speaker === null) {
    // The source's own voice: a sentence that is itself the claim.
    const clause = cap(rng.pick(v.clause)(x));
    return { parts: ['', clause, `${viaTail}.`], modality: 'paraphrase', claimText };
  }
  const subj = subject(speaker);
  if (v.direct.length > 0 && (rng.chance(0.5) || (v.para.length === 0 && v.clause.length === 0))) {
    const q = rng.pick(v.direct)(x);
    const form = rng.int(0, 3);
    if (form === 0)
      return { parts: [oq, q, `,${cq} ${subj} said${when}${viaTail}.`], modality: 'direct_quote', claimText };
    if (form === 1 && v0) {
      const tail = v1 ? `, in an interview later cited by ${v1.mention}` : '';
      return {
        parts: [oq, q, `,${cq} ${subj} told ${v0.mention}${when}${tail}.`],
        modality: 'direct_quote',
        claimText,
      };
    }
    if (form === 2) {
      const viaMid = v0 ? ` in remarks carried by ${v0.mention}` : '';
      const withMarks = rng.chance(0.2);
      return withMarks
        ? {
            parts: [`${cap(subj)} said${when}${viaMid}: `, `${oq}${q}.${cq}`, ''],
            modality: 'direct_quote',
            claimText,
          }
        : {
            parts: [`${cap(subj)} said${when}${viaMid}: ${oq}`, q, `.${cq}`],
            modality: 'direct_quote',
            claimText,
          };
    }
    const published = v0 ? ` published by ${v0.mention}` : '';
    return {
      parts: [`In a statement${published}, ${subj} said: ${oq}`, q, `.${cq}`],
      modality: 'direct_quote',
      claimText,
    };
  }
  if (v.clause.length > 0 && (v.para.length === 0 || rng.chance(0.35))) {
    const clause = rng.pick(v.clause)(x);
    const quoted = v0 ? `, quoted by ${v0.mention},` : ',';
    return {
      parts: [`According to ${speaker.mention}${quoted} `, clause, '.'],
      modality: 'paraphrase',
      claimText,
    };
  }
  const p = rng.pick(v.para)(x);
  if (rng.chance(0.3)) {
    const extra = rng.pick([
      'adding that an investigation was under way',
      'without giving further details',
      'without providing evidence',
      'in a post on Telegram',
    ]);
    return { parts: [`${cap(subj)} `, p, `${when}, ${extra}${viaTail}.`], modality: 'paraphrase', claimText };
  }
  return { parts: [`${cap(subj)} `, p, `${when}${viaTail}.`], modality: 'paraphrase', claimText };
}

/** Sometimes the claim quotes only part of the words: a run of at least four whole words. */
function subSpan(parts: [string, string, string], rng: Rng): [string, string, string] {
  const [before, quote, after] = parts;
  if (!rng.chance(0.12)) return parts;
  const words = quote.split(' ');
  if (words.length < 6) return parts;
  const len = rng.int(4, words.length - 1);
  const from = rng.int(0, words.length - len);
  const head = words.slice(0, from).join(' ');
  const mid = words.slice(from, from + len).join(' ');
  const tail = words.slice(from + len).join(' ');
  return [before + (head ? `${head} ` : ''), mid, (tail ? ` ${tail}` : '') + after];
}

function fillerSentences(event: PlannedEvent, publisher: PlannedActor | null, rng: Rng): string[] {
  const country = COUNTRIES[event.country];
  const T = country?.name ?? 'the country';
  const adj = country?.adjective ?? 'local';
  const A = event.accused.mention;
  const F = event.facility;
  const C = event.place;
  const year = event.date.getUTCFullYear();
  const outlet = publisher?.kind === 'media_outlet' ? publisher.name : 'Reuters';
  const names = NAMES[country?.culture ?? 'english'];
  const name = () => `${rng.pick(names.first)} ${rng.pick(names.last)}`;
  return [
    `${cap(event.short)} came amid heightened tensions between ${T} and ${A}.`,
    'It was not immediately possible to verify the reports independently.',
    `${T} has been the target of several similar attacks in recent months.`,
    `Satellite images reviewed by ${outlet} showed scorch marks at the site.`,
    `Videos circulating on social media appeared to show a large fire near the ${F}.`,
    `The ${F} lies about ${rng.int(3, 60)}\u00a0km from the centre of ${C}.`,
    `Flights at ${C} airport were briefly suspended, according to flight-tracking data.`,
    'The United Nations called on all sides to exercise restraint.',
    'Analysts said the incident could further complicate diplomatic efforts in the region.',
    'Officials did not say how many drones were involved.',
    'Residents posted footage of emergency vehicles heading towards the area.',
    `A previous incident at the site in ${year - rng.int(1, 4)} was blamed on a technical fault.`,
    'The ministry’s statement did not mention any casualties.',
    `Security was tightened around government buildings in ${C} following the incident.`,
    'State television broadcast footage of firefighters at the scene.',
    `Oil prices rose slightly on reports of ${event.short}.`,
    'Neither side has provided evidence to support its claims.',
    `The area around the ${F} was cordoned off and journalists were not allowed to approach.`,
    'In the hours that followed, social media was flooded with unverified reports — some of them contradictory.',
    `${adj} state media gave few details, and the official account changed twice during the day.`,
    `${name()}, who lives nearby, said windows in the street had been blown out.`,
    `The attack was the ${rng.pick(['second', 'third', 'fourth', 'latest'])} on ${adj} soil in ${rng.int(2, 11)} weeks.`,
    'Western diplomats said they were monitoring the situation closely.',
    `${cap(A)} has carried out similar operations in the past, though it rarely acknowledges them.`,
    `Temperatures in ${C} were around ${rng.int(-5, 38)}\u00a0°C at the time, and visibility was good.`,
  ];
}

function withSoftHyphens(s: string): string {
  return s.replace(/[A-Za-z]{10,}/g, (w) => `${w.slice(0, 5)}\u00ad${w.slice(5)}`);
}

/** Length-preserving: some spaces become no-break spaces, some become line breaks. */
function finishWhitespace(text: string, style: Style, rng: Rng): string {
  if (!style.nbsp && !style.wrap) return text;
  const chars = text.split('');
  let column = 0;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === '\n') {
      column = 0;
      continue;
    }
    column++;
    if (ch !== ' ') continue;
    if (style.wrap && column > 70) {
      chars[i] = '\n';
      column = 0;
    } else if (style.nbsp && rng.chance(0.04)) chars[i] = '\u00a0';
  }
  return chars.join('');
}

function headline(spec: ArticleSpec, rng: Rng): string {
  const e = spec.event;
  const country = COUNTRIES[e.country];
  const adj = country?.adjective ?? 'Local';
  const A = cap(e.accused.mention);
  const place = e.place;
  const pub = spec.publisher;
  switch (spec.kind) {
    case 'official_statement':
      return `Statement by ${pub ? pub.mention.replace(/,.*/, '') : 'the government'} on ${e.phrase}`;
    case 'social_post':
      return `🚨 ${place}: ${rng.pick(['explosions reported', 'what we know so far', 'air defences active', 'thread'])}`;
    case 'other':
      return `Transcript: press briefing of ${dayText(new Date(spec.publishedMs))}`;
    default:
      return rng.pick([
        `${cap(e.short)}: ${A} denies involvement`,
        `${adj} officials say ${e.noun} on ${e.facility} foiled`,
        `Explosions reported near ${place}`,
        `${A} blamed for ${e.short}`,
        `What we know about ${e.phrase}`,
        `${cap(e.noun)} in ${place}: conflicting accounts emerge`,
        `${adj} air defences activated over ${place}`,
      ]);
  }
}

/** Writes a source document around the statements it must contain, and where each claim's quote lies. */
export function writeArticle(spec: ArticleSpec, rng: Rng): Article {
  const { style } = spec;
  const title = headline(spec, rng);
  const fix = (s: string) => {
    let t = style.curly ? s : s.replace(/[‘’]/g, "'");
    if (style.softHyphen) t = withSoftHyphens(t);
    return t;
  };

  // Statement paragraphs hold one or two claims each.
  const paragraphs: Piece[][] = [];
  let length = 0;
  let current: Piece[] | null = null;
  for (const plan of spec.statements) {
    const { parts, modality, claimText } = render(plan, style, rng);
    const [before, quote, after] = subSpan(parts, rng);
    const claim: WrittenClaim = { plan, text: claimText, modality, start: 0, end: 0 };
    if (current === null || current.length > 3 || rng.chance(0.6)) {
      current = [];
      paragraphs.push(current);
    } else current.push({ text: ' ' });
    current.push({ text: fix(before) }, { text: fix(quote), claim }, { text: fix(after) });
    length += before.length + quote.length + after.length + 2;
  }

  // Background paragraphs between them until the document has its length.
  const fillers = rng.shuffle(fillerSentences(spec.event, spec.publisher, rng));
  let next = 0;
  const filler = (): Piece[] => {
    const sentences: string[] = [];
    const count = rng.int(1, 3);
    for (let i = 0; i < count; i++) {
      sentences.push(fillers[next % fillers.length] ?? '');
      next++;
    }
    const text = fix(sentences.join(' '));
    length += text.length + 2;
    return [{ text }];
  };
  const d = new Date(spec.publishedMs);
  const dateline =
    spec.kind === 'news_article'
      ? `${spec.event.place.toUpperCase()}, ${at(MONTHS, d.getUTCMonth()).slice(0, 3)} ${d.getUTCDate()} — `
      : '';
  const lede = filler();
  if (dateline && lede[0]) lede[0] = { text: dateline + lede[0].text };
  paragraphs.unshift(lede);
  // Social posts stay short; documents fill up to their drawn length.
  while (length < spec.targetLength && next < fillers.length) {
    paragraphs.splice(rng.int(1, paragraphs.length), 0, filler());
  }
  if (spec.kind === 'news_article' && rng.chance(0.5)) {
    paragraphs.push([
      {
        text: rng.pick([
          'This is a developing story and will be updated.',
          'Additional reporting by staff; editing by the news desk.',
        ]),
      },
    ]);
  }
  if (spec.kind === 'social_post') {
    const country = COUNTRIES[spec.event.country];
    paragraphs.unshift([{ text: `🚨 BREAKING: ${spec.event.place}` }]);
    paragraphs.push([
      {
        text: `#${spec.event.place.replace(/[^A-Za-z]/g, '')} #${(country?.name ?? 'news').replace(/ /g, '')}`,
      },
    ]);
  }
  if (spec.kind === 'official_statement') {
    paragraphs.push([
      {
        text: `${spec.publisher ? cap(spec.publisher.mention.replace(/,.*/, '')) : 'The Government'}\n${dayText(d)}`,
      },
    ]);
  }

  // Join, noting where each claim's quote ends up.
  let text = '';
  const claims: WrittenClaim[] = [];
  paragraphs.forEach((pieces, i) => {
    if (i > 0) text += style.sep;
    for (const piece of pieces) {
      if (piece.claim) {
        piece.claim.start = text.length;
        piece.claim.end = text.length + piece.text.length;
        claims.push(piece.claim);
      }
      text += piece.text;
    }
  });
  return { title, text: finishWhitespace(text, style, rng), claims };
}
