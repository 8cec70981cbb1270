import type { ActorInput } from '../../src/modules/actors/actors.schemas.js';
import { at, type Rng } from './rng.js';
import {
  ARMED_GROUP_NAMES,
  ARMED_GROUP_WORDS,
  BODY_NAMES,
  CHANNEL_WORDS,
  COUNTRIES,
  CULTURES,
  INDEPENDENT_ROLES,
  JOURNALIST_ROLES,
  MILITARY_BRANCHES,
  MILITARY_ROLES,
  MINISTRIES,
  NAMES,
  OUTLET_NOUNS,
  OUTLET_REGIONS,
  PERSON_ROLES,
  STATE_MEDIA,
  SUB_BODIES,
  UNIT_KINDS,
} from './words.js';

export type ActorKind = ActorInput['kind'];

/** A generated actor: the API body to validate and store, plus what the text generator needs. */
export interface PlannedActor {
  id: number;
  body: ActorInput;
  kind: ActorKind;
  name: string;
  parentId: number | null;
  /** Index into COUNTRIES of the state this actor belongs to (directly or below), or -1. */
  state: number;
  /** How the actor is named in running text: "the Iranian Ministry of Defence", "Ali Rezaei, a spokesman for …". */
  mention: string;
  /** Whether `mention` ends in an appositive that needs a closing comma before a verb. */
  appositive: boolean;
  /** State-run outlets and channels of state bodies: "the state-run …". */
  stateRun: boolean;
  /** Armed groups can be accused of attacks like states. */
  armed: boolean;
  /** Higher is more often quoted (used to rank speakers before the Zipf draw). */
  prominence: number;
  /** The prominence factor of its kind and role, before the state's weight and noise (people inherit it). */
  baseFactor?: number;
}

export interface ActorPlan {
  actors: PlannedActor[];
  /** Actor id of each state, by COUNTRIES index (only the states generated). */
  stateIds: number[];
  /** Per state index, the actors at or below the state (for a party's own officials). */
  subtreeByState: number[][];
  /** Per state index, its state-run outlets (what its officials' words usually pass through). */
  stateOutlets: number[][];
  /** Ids of actors that relay statements (outlets and channels), for reportedVia chains and publishers. */
  outlets: number[];
  channels: number[];
  bodies: number[];
  armedGroups: number[];
}

/** How often each kind of body speaks about attacks, relative to the rest. */
const MINISTRY_VOICE: Record<string, number> = {
  'Ministry of Foreign Affairs': 6,
  'Ministry of Defence': 6,
  'Ministry of Interior': 3,
  'Ministry of Intelligence': 3,
  'Office of the President': 3,
  'Office of the Prime Minister': 3,
  'National Security Council': 2.5,
  'Civil Defence Agency': 2,
  'Ministry of Emergency Situations': 2,
  'Atomic Energy Organization': 1.5,
  'Ministry of Information': 1.2,
  Parliament: 1.2,
};

const article = (word: string) => (/^[aeiou]/i.test(word) ? 'an' : 'a');

/** Counts per kind at the mix; every kind present once there is room for it. */
function kindCounts(total: number) {
  const states = Math.max(1, Math.min(COUNTRIES.length, Math.round(Math.sqrt(total) / 3.5)));
  const rest = Math.max(0, total - states);
  const share = (p: number) => Math.floor(rest * p);
  const bodies = share(0.08);
  const military = share(0.05);
  const outlets = share(0.09);
  const channels = share(0.1);
  const groups = share(0.06);
  const persons = rest - bodies - military - outlets - channels - groups;
  return { states, bodies, military, outlets, channels, groups, persons };
}

const TRANSLITERATIONS: Record<string, string> = {
  Mohammad: 'Muhammad',
  Hossein: 'Hussein',
  Youssef: 'Yusuf',
  Ahmed: 'Ahmad',
  Oleksandr: 'Alexander',
  Andriy: 'Andrii',
  Dmitry: 'Dmitri',
  Sergei: 'Sergey',
  Mykhailo: 'Mikhail',
  Yulia: 'Julia',
};

export function planActors(total: number, rng: Rng): ActorPlan {
  const counts = kindCounts(total);
  const actors: PlannedActor[] = [];
  const stateIds: number[] = [];
  const subtreeByState: number[][] = [];
  const stateOutlets: number[][] = [];
  const outlets: number[] = [];
  const channels: number[] = [];
  const bodies: number[] = [];
  const armedGroups: number[] = [];
  const militaries: number[] = [];
  const usedNames = new Set<string>();

  // The first states in the list matter most in the news: weight them so.
  const stateWeight = (s: number) => (s < 0 ? 0.6 : 1 / (1 + s * 0.25));

  const add = (
    a: Omit<PlannedActor, 'id' | 'body' | 'prominence' | 'stateRun' | 'armed' | 'appositive'> &
      Partial<Pick<PlannedActor, 'stateRun' | 'armed' | 'appositive'>> & {
        aliases?: string[];
        description?: string | null;
        wikidataId?: string | null;
        kindFactor: number;
      },
  ): PlannedActor => {
    const id = actors.length + 1;
    usedNames.add(a.name);
    const reliability =
      (a.kind === 'media_outlet' || a.kind === 'social_channel') && rng.chance(0.25)
        ? {
            grade: rng.weighted([
              ['A', 1],
              ['B', 5],
              ['C', 6],
              ['D', 3],
              ['E', 1],
              ['F', 2],
            ] as const),
            gradedBy: rng.pick(['Verification desk', 'Standards editor', 'OSINT team']),
            rationale: rng.pick([
              'Track record of accurate reporting on this region.',
              'Often first with reports that are later confirmed; occasionally wrong on numbers.',
              'Relays official statements without independent checks.',
              'Anonymous operators; several earlier claims proved false.',
              null,
            ]),
          }
        : undefined;
    const body: ActorInput = {
      name: a.name,
      kind: a.kind,
      aliases: a.aliases ?? [],
      parentId: a.parentId,
      description: a.description ?? null,
      wikidataId: a.wikidataId ?? null,
      ...(reliability ? { reliability } : {}),
    };
    const actor: PlannedActor = {
      id,
      body,
      kind: a.kind,
      name: a.name,
      parentId: a.parentId,
      state: a.state,
      mention: a.mention,
      appositive: a.appositive ?? false,
      stateRun: a.stateRun ?? false,
      armed: a.armed ?? false,
      prominence: a.kindFactor * stateWeight(a.state) * (0.4 + rng.next() * 1.2),
      baseFactor: a.kindFactor,
    };
    actors.push(actor);
    if (a.state >= 0) subtreeByState[a.state]?.push(id);
    return actor;
  };

  /** A name not used yet: the candidate, else the candidate with a distinguishing suffix. */
  const unique = (candidate: string, suffix: () => string): string => {
    let name = candidate;
    for (let i = 2; usedNames.has(name); i++)
      name = i < 6 ? `${candidate} ${suffix()}` : `${candidate} ${suffix()} ${i}`;
    return name;
  };

  // States.
  for (let s = 0; s < counts.states; s++) {
    const country = at(COUNTRIES, s);
    subtreeByState.push([]);
    stateOutlets.push([]);
    const the = country.name.startsWith('United') ? 'the ' : '';
    const state = add({
      name: country.name,
      kind: 'state',
      parentId: null,
      state: s,
      mention: `${the}${country.name}`,
      aliases: [`${country.adjective} government`],
      description: `The state of ${country.name}.`,
      wikidataId: country.wikidataId,
      kindFactor: 2,
    });
    stateIds.push(state.id);
  }
  const pickState = () => {
    // Importance-weighted: the first states get most institutions, as they get most coverage.
    const weights = stateIds.map((_, s) => stateWeight(s));
    return rng.weighted(weights.map((w, s) => [s, w] as const));
  };

  // Government bodies: ministries and agencies first, then departments under them.
  const topBodiesByState = new Map<number, number[]>();
  const nextBody = new Map<number, number>();
  for (let i = 0; i < counts.bodies; i++) {
    const s = pickState();
    const country = at(COUNTRIES, s);
    const n = nextBody.get(s) ?? 0;
    nextBody.set(s, n + 1);
    const tops = topBodiesByState.get(s) ?? [];
    if (n < MINISTRIES.length) {
      const ministry = at(MINISTRIES, n);
      const name = BODY_NAMES[country.name]?.[ministry] ?? `${country.adjective} ${ministry}`;
      const short = ministry.replace('Ministry of ', '').replace('Foreign Affairs', 'Foreign');
      const b = add({
        name,
        kind: 'government_body',
        parentId: at(stateIds, s),
        state: s,
        mention: `the ${name}`,
        aliases:
          ministry.startsWith('Ministry of ') && !BODY_NAMES[country.name]?.[ministry]
            ? [`${country.adjective} ${short} Ministry`]
            : [],
        description: `${ministry} of ${country.name}.`,
        kindFactor: MINISTRY_VOICE[ministry] ?? 0.6,
      });
      tops.push(b.id);
      topBodiesByState.set(s, tops);
      bodies.push(b.id);
    } else {
      const parentId = rng.pick(tops);
      const parent = at(actors, parentId - 1);
      const sub = rng.pick(SUB_BODIES);
      const name = unique(`${sub} of the ${parent.name}`, () => 'Branch');
      const b = add({
        name,
        kind: 'government_body',
        parentId,
        state: s,
        mention: `the ${name}`,
        description: `${sub} within the ${parent.name}.`,
        kindFactor: 1,
      });
      bodies.push(b.id);
    }
  }

  // Militaries: armed forces, their branches, then units under the branches.
  const branchesByState = new Map<number, number[]>();
  const nextBranch = new Map<number, number>();
  for (let i = 0; i < counts.military; i++) {
    const s = pickState();
    const country = at(COUNTRIES, s);
    const n = nextBranch.get(s) ?? 0;
    nextBranch.set(s, n + 1);
    const branches = branchesByState.get(s) ?? [];
    if (n < MILITARY_BRANCHES.length) {
      const branch = at(MILITARY_BRANCHES, n);
      const name = `${country.adjective} ${branch}`;
      const m = add({
        name,
        kind: 'military',
        parentId: n === 0 ? at(stateIds, s) : at(branches, 0),
        state: s,
        mention: `the ${name}`,
        aliases: branch === 'Armed Forces' ? [`${country.adjective} military`] : [],
        description: `${branch} of ${country.name}.`,
        kindFactor: n === 0 ? 4 : 2,
      });
      branches.push(m.id);
      branchesByState.set(s, branches);
      militaries.push(m.id);
    } else {
      const parentId = rng.pick(branches.slice(1).length > 0 ? branches.slice(1) : branches);
      const unit = rng.pick(UNIT_KINDS);
      const num = rng.int(1, 120);
      const suffix = num % 10 === 1 && num !== 11 ? 'st' : num % 10 === 2 && num !== 12 ? 'nd' : 'th';
      const name = unique(`${country.adjective} ${num}${suffix} ${unit}`, () => 'Reserve');
      const m = add({
        name,
        kind: 'military',
        parentId,
        state: s,
        mention: `the ${name}`,
        kindFactor: 0.6,
      });
      militaries.push(m.id);
    }
  }

  // Media outlets: state media under their states, then independent outlets.
  const stateOutletNames = (country: (typeof COUNTRIES)[number]) =>
    STATE_MEDIA[country.name] ?? [
      `${country.name} News Agency`,
      `${country.adjective} State Television`,
      `${country.adjective} Broadcasting Corporation`,
      `${at(country.cities, 0).name} Daily`,
    ];
  const independentNames = rng.shuffle(
    OUTLET_REGIONS.flatMap((r) => OUTLET_NOUNS.map((n) => `${rng.chance(0.4) ? 'The ' : ''}${r} ${n}`)),
  );
  const cityOutletNames = rng.shuffle(
    COUNTRIES.flatMap((k) => k.cities.flatMap((city) => OUTLET_NOUNS.map((n) => `${city.name} ${n}`))),
  );
  const nextStateOutlet = new Map<number, number>();
  for (let i = 0; i < counts.outlets; i++) {
    const s = rng.chance(0.25) ? pickState() : -1;
    const n = s >= 0 ? (nextStateOutlet.get(s) ?? 0) : 0;
    if (s >= 0 && n < stateOutletNames(at(COUNTRIES, s)).length) {
      nextStateOutlet.set(s, n + 1);
      const country = at(COUNTRIES, s);
      const name = at(stateOutletNames(country), n);
      const o = add({
        name,
        kind: 'media_outlet',
        parentId: at(stateIds, s),
        state: s,
        mention: `the state-run ${name}`,
        stateRun: true,
        aliases: [
          name
            .split(' ')
            .map((w) => w[0])
            .join(''),
        ],
        description: `State-owned media of ${country.name}.`,
        kindFactor: 4,
      });
      outlets.push(o.id);
      stateOutlets[s]?.push(o.id);
      continue;
    }
    const pool = independentNames.length > 0 ? independentNames : cityOutletNames;
    const candidate = pool.pop() ?? `Independent Wire ${i}`;
    const name = unique(candidate, () => 'Online');
    const o = add({
      name,
      kind: 'media_outlet',
      parentId: null,
      state: -1,
      mention: name.startsWith('The ') ? name : `the ${name}`,
      description: rng.pick([
        'Independent news website.',
        'Regional newspaper.',
        'International news agency.',
        'Weekly news magazine.',
        null,
      ]),
      kindFactor: 2.5,
    });
    outlets.push(o.id);
  }

  // Groups: unnamed collectives ("Iranian officials") under states, and armed groups.
  const groupTemplates = [
    (adj: string) => `${adj} officials`,
    (adj: string) => `${adj} military sources`,
    (adj: string) => `${adj} security sources`,
    (adj: string) => `${adj} opposition activists`,
    (adj: string) => `anonymous ${adj} intelligence officials`,
    (adj: string) => `${adj} diplomats`,
  ];
  const nextGroup = new Map<number, number>();
  for (let i = 0; i < counts.groups; i++) {
    const roll = rng.next();
    if (roll < 0.45) {
      const s = pickState();
      const n = nextGroup.get(s) ?? 0;
      if (n < groupTemplates.length) {
        nextGroup.set(s, n + 1);
        const name = at(groupTemplates, n)(at(COUNTRIES, s).adjective);
        add({
          name,
          kind: 'group',
          parentId: at(stateIds, s),
          state: s,
          mention: name,
          description: 'Unnamed officials, as cited in reports.',
          kindFactor: 3,
        });
        continue;
      }
    }
    if (roll < 0.75) {
      const prefix = rng.pick(ARMED_GROUP_NAMES);
      const name = unique(`${prefix} ${rng.pick(ARMED_GROUP_WORDS)}`, () =>
        rng.pick(['Front', 'Wing', 'Command']),
      );
      const g = add({
        name,
        kind: 'group',
        parentId: null,
        state: -1,
        mention: `the ${name}`,
        armed: true,
        aliases: [name.replace(/ .*/, '')],
        description: 'Armed group.',
        kindFactor: 2,
      });
      armedGroups.push(g.id);
      continue;
    }
    const country = rng.pick(COUNTRIES);
    const city = rng.pick(country.cities).name;
    const name = unique(
      rng.pick([`residents of ${city}`, `local Telegram channels in ${city}`, `eyewitnesses in ${city}`]),
      () => 'district',
    );
    add({ name, kind: 'group', parentId: null, state: -1, mention: name, kindFactor: 1.5 });
  }

  // Social channels: some belong to outlets, most are independent.
  for (let i = 0; i < counts.channels; i++) {
    if (outlets.length > 0 && rng.chance(0.15)) {
      const parentId = rng.pick(outlets);
      const parent = at(actors, parentId - 1);
      const name = unique(`${parent.name} Telegram channel`, () => 'backup');
      const ch = add({
        name,
        kind: 'social_channel',
        parentId,
        state: parent.state,
        mention: `the ${name}`,
        stateRun: parent.stateRun,
        kindFactor: 1.2,
      });
      channels.push(ch.id);
      continue;
    }
    const country = rng.pick(COUNTRIES);
    const base = rng.chance(0.5)
      ? `${rng.pick(country.cities).name} ${rng.pick(CHANNEL_WORDS)}`
      : `${country.adjective} ${rng.pick(CHANNEL_WORDS)}`;
    const name = unique(base, () => rng.pick(['24', 'Now', 'Official', 'Plus']));
    const handle = name.toLowerCase().replace(/[^a-z0-9]+/g, '_');
    const ch = add({
      name,
      kind: 'social_channel',
      parentId: null,
      state: -1,
      mention: `the ${name} Telegram channel`,
      aliases: [`@${handle}`],
      description: rng.pick([
        'Telegram channel.',
        'Account on X.',
        'Telegram channel with a large following.',
      ]),
      kindFactor: 1.5,
    });
    channels.push(ch.id);
  }

  // People: officials under bodies and militaries, journalists under outlets, independent voices.
  for (let i = 0; i < counts.persons; i++) {
    const roll = rng.next();
    let parentId: number | null = null;
    let role: string;
    let kindFactor = 1;
    if (roll < 0.55 && bodies.length > 0) {
      parentId = rng.pick(bodies);
      role = rng.pick(PERSON_ROLES);
    } else if (roll < 0.78 && militaries.length > 0) {
      parentId = rng.pick(militaries);
      role = rng.pick(MILITARY_ROLES);
    } else if (roll < 0.88 && outlets.length > 0) {
      parentId = rng.pick(outlets);
      role = rng.pick(JOURNALIST_ROLES);
      kindFactor = 0.5;
    } else {
      role = rng.pick(INDEPENDENT_ROLES);
    }
    const parent = parentId === null ? null : at(actors, parentId - 1);
    // Officials speak with their body's weight; spokespeople most of all.
    if (parent && parent.kind !== 'media_outlet')
      kindFactor = (parent.baseFactor ?? 1) * (role.startsWith('spokes') ? 1.2 : 0.4);
    const country = parent && parent.state >= 0 ? COUNTRIES[parent.state] : undefined;
    const names = NAMES[country?.culture ?? rng.pick(CULTURES)];
    const first = rng.pick(names.first);
    const last = rng.pick(names.last);
    // Namesakes exist, but a middle initial tells most of them apart.
    let name = `${first} ${last}`;
    for (let k = 0; usedNames.has(name) && k < 5; k++) {
      name = `${first} ${String.fromCharCode(65 + rng.int(0, 25))}. ${last}`;
    }
    const title = parent
      ? `${article(role)} ${role} ${role.includes('head') ? 'of' : 'for'} ${parent.mention}`
      : role;
    const aliases: string[] = [];
    const variant = TRANSLITERATIONS[first];
    if (variant) aliases.push(`${variant} ${last}`);
    if (parent?.kind === 'military' && role === 'commander') aliases.push(`Gen. ${last}`);
    add({
      name,
      kind: 'person',
      parentId,
      state: parent?.state ?? -1,
      mention: `${name}, ${title}`,
      appositive: true,
      aliases,
      description: `${capitalize(title)}.`,
      kindFactor,
    });
  }

  return { actors, stateIds, subtreeByState, stateOutlets, outlets, channels, bodies, armedGroups };
}

/** "the ministry" -> "The ministry" at the start of a sentence. */
export const capitalize = (s: string) => (s.length > 0 ? s.charAt(0).toUpperCase() + s.slice(1) : s);
