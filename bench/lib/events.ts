import type { EventInput } from '../../src/modules/events/events.schemas.js';
import type { ActorPlan, PlannedActor } from './actors.js';
import { at, type Rng } from './rng.js';
import {
  CAMPAIGN_KINDS,
  COUNTRIES,
  EVENT_KINDS,
  type EventKind,
  FACILITIES,
  MONTHS,
  SEAS,
  SHIP_NAMES,
} from './words.js';

/** A generated event: the API body plus the context its articles are written from. */
export interface PlannedEvent {
  id: number;
  body: EventInput;
  parentId: number | null;
  campaign: boolean;
  kind: string;
  /** "drone attack" */
  noun: string;
  /** "the drone attack on the fuel depot in Isfahan" */
  phrase: string;
  /** "the drone attack in Isfahan" */
  short: string;
  facility: string;
  place: string;
  /** COUNTRIES index of the target state. */
  country: number;
  /** The target state as named in running text ("the United States"). */
  targetMention: string;
  targetId: number;
  accused: PlannedActor;
  date: Date;
}

const DAY = 86_400_000;
const EARLIEST = Date.UTC(2019, 0, 1);
const LATEST = Date.UTC(2023, 11, 15);

const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO instant as a client would send it: sometimes in UTC, sometimes with the local offset. */
export function instantText(ms: number, rng: Rng): string {
  const offsets = [0, 0, 0, 180, 210, 120, -300];
  const minutes = rng.pick(offsets);
  const local = new Date(ms + minutes * 60_000);
  const base = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(
    local.getUTCHours(),
  )}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  if (minutes === 0) return `${base}Z`;
  const sign = minutes > 0 ? '+' : '-';
  const abs = Math.abs(minutes);
  return `${base}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export const dayText = (d: Date) => `${d.getUTCDate()} ${at(MONTHS, d.getUTCMonth())} ${d.getUTCFullYear()}`;

function jitter(value: number, rng: Rng, spread: number, limit: number): number {
  const v = value + (rng.next() - 0.5) * spread;
  return Math.max(-limit, Math.min(limit, Math.round(v * 1e5) / 1e5));
}

export function planEvents(total: number, plan: ActorPlan, rng: Rng): PlannedEvent[] {
  const events: PlannedEvent[] = [];
  const states = plan.stateIds.length;
  const campaigns = total >= 5 ? Math.max(1, Math.round(total * 0.08)) : 0;
  const stateWeights = plan.stateIds.map((_, s) => [s, 1 / (1 + s * 0.3)] as const);
  const stateActor = (s: number) => at(plan.actors, at(plan.stateIds, s) - 1);

  const pickAccused = (target: number): PlannedActor => {
    if (plan.armedGroups.length > 0 && rng.chance(0.3))
      return at(plan.actors, rng.pick(plan.armedGroups) - 1);
    if (states === 1) return stateActor(0);
    let s = rng.weighted(stateWeights);
    while (s === target) s = rng.weighted(stateWeights);
    return stateActor(s);
  };

  const partiesOf = (targetId: number, accusedId: number) => {
    const parties: NonNullable<EventInput['parties']> = [
      { actorId: targetId, role: 'target' },
      { actorId: accusedId, role: 'accused' },
    ];
    if (states > 2 && rng.chance(0.05)) {
      const mediator = at(plan.stateIds, rng.int(0, states - 1));
      if (mediator !== targetId && mediator !== accusedId)
        parties.push({ actorId: mediator, role: 'mediator' });
    }
    return parties;
  };

  const precisionOf = (): NonNullable<EventInput['timePrecision']> =>
    rng.weighted([
      ['minute', 2],
      ['hour', 3],
      ['day', 4],
      ['month', 1],
    ] as const);

  for (let i = 0; i < total; i++) {
    const id = i + 1;
    if (i < campaigns) {
      // Campaigns: the larger events incidents belong to; a few nest in an earlier campaign.
      const nested = i > 3 && rng.chance(0.2) ? rng.pick(events) : null;
      const country = nested ? nested.country : rng.weighted(stateWeights);
      const accused = nested ? nested.accused : pickAccused(country);
      const target = COUNTRIES[country] ?? at(COUNTRIES, 0);
      const start = EARLIEST + rng.int(0, Math.floor((LATEST - EARLIEST) / DAY) - 120) * DAY;
      const end = start + rng.int(20, 400) * DAY;
      const startDate = new Date(start);
      const year = startDate.getUTCFullYear();
      const month = at(MONTHS, startDate.getUTCMonth());
      const accusedName =
        accused.kind === 'state' ? (COUNTRIES[accused.state]?.adjective ?? accused.name) : accused.name;
      const title = rng.pick([
        `${accusedName}–${target.adjective} escalation, ${month} ${year}`,
        `${year} drone campaign against ${target.name}`,
        `Attacks on ${target.adjective} military sites (${month} ${year})`,
        `Strikes on ${target.adjective} infrastructure, ${year}`,
        `Wave of sabotage in ${target.name}, ${month} ${year}`,
      ]);
      const capital = at(target.cities, 0);
      const targetId = at(plan.stateIds, country);
      const body: EventInput = {
        title,
        summary: `A series of attacks on ${target.adjective} military and industrial sites that ${target.adjective} officials blamed on ${accused.mention}.`,
        kind: rng.pick(CAMPAIGN_KINDS),
        startsAt: instantText(start, rng),
        endsAt: rng.chance(0.7) ? instantText(end, rng) : null,
        timePrecision: rng.chance(0.5) ? 'day' : 'month',
        placeName: target.name,
        latitude: jitter(capital.lat, rng, 0, 90),
        longitude: jitter(capital.lon, rng, 0, 180),
        parentId: nested ? nested.id : null,
        parties: partiesOf(targetId, accused.id),
      };
      events.push({
        id,
        body,
        parentId: body.parentId ?? null,
        campaign: true,
        kind: body.kind,
        noun: 'wave of attacks',
        phrase: `the wave of attacks on ${target.adjective} sites`,
        short: 'the wave of attacks',
        facility: 'military sites',
        place: target.name,
        country,
        targetId,
        targetMention: stateActor(country).mention,
        accused,
        date: startDate,
      });
      continue;
    }

    // Incidents: most belong to a campaign (same target and accused), some to an earlier incident.
    const roll = rng.next();
    let parent: PlannedEvent | null = null;
    if (campaigns > 0 && roll < 0.85) parent = at(events, rng.int(0, campaigns - 1));
    else if (events.length > campaigns && roll < 0.93)
      parent = at(events, rng.int(campaigns, events.length - 1));
    const country = parent ? parent.country : rng.weighted(stateWeights);
    const accused = parent ? parent.accused : pickAccused(country);
    const target = COUNTRIES[country] ?? at(COUNTRIES, 0);
    const ek: EventKind = rng.weighted(EVENT_KINDS.map((k) => [k, k.weight] as const));
    const base = parent
      ? parent.date.getTime() + rng.int(0, 60) * DAY
      : EARLIEST + rng.next() * (LATEST - EARLIEST);
    const when = Math.min(LATEST, Math.floor(base / 60_000) * 60_000 + rng.int(0, 1439) * 60_000);
    const date = new Date(when);
    const facility = rng.pick(FACILITIES);
    const ship = rng.pick(SHIP_NAMES);
    const sea = rng.pick(SEAS);
    const city = ek.atSea
      ? sea
      : parent && !parent.campaign && rng.chance(0.7)
        ? null
        : rng.pick(target.cities);
    const cityName = city?.name ?? parent?.place ?? at(target.cities, 0).name;
    const coords = city ?? at(target.cities, 0);
    let phrase: string;
    let title: string;
    switch (ek.kind) {
      case 'ship_attack':
        phrase = `the attack on the tanker ${ship} in the ${cityName}`;
        title = `Attack on the tanker ${ship} in the ${cityName}`;
        break;
      case 'assassination':
        phrase = `the killing of a senior ${target.adjective} commander in ${cityName}`;
        title = `Killing of a senior ${target.adjective} commander in ${cityName}`;
        break;
      case 'shelling':
        phrase = `the shelling of ${cityName}`;
        title = `Shelling of ${cityName}`;
        break;
      case 'cyber_attack':
        phrase = `the cyber attack on the ${facility} in ${cityName}`;
        title = `Cyber attack on the ${facility} in ${cityName}`;
        break;
      case 'explosion':
        phrase = `the explosion at the ${facility} in ${cityName}`;
        title = `Explosion at the ${facility} in ${cityName}`;
        break;
      default:
        phrase = `the ${ek.noun} on the ${facility} in ${cityName}`;
        title = `${ek.noun.charAt(0).toUpperCase()}${ek.noun.slice(1)} on the ${facility} in ${cityName}`;
    }
    if (rng.chance(0.8)) title += ` (${dayText(date)})`;
    const targetId = at(plan.stateIds, country);
    const timePrecision = precisionOf();
    const body: EventInput = {
      title,
      summary: rng.chance(0.6)
        ? `Reports of ${phrase.replace(/^the /, 'a ')} on ${dayText(date)}. ${target.adjective} officials blamed ${accused.mention}.`
        : null,
      kind: ek.kind,
      startsAt: instantText(when, rng),
      endsAt: rng.chance(0.4) ? instantText(when + rng.int(10, 600) * 60_000, rng) : null,
      timePrecision,
      placeName: ek.atSea ? cityName : `${cityName}, ${target.name}`,
      latitude: jitter(coords.lat, rng, 0.1, 90),
      longitude: jitter(coords.lon, rng, 0.1, 180),
      parentId: parent ? parent.id : null,
      parties: partiesOf(targetId, accused.id),
    };
    events.push({
      id,
      body,
      parentId: body.parentId ?? null,
      campaign: false,
      kind: ek.kind,
      noun: ek.kind === 'ship_attack' ? 'attack' : ek.noun,
      phrase,
      short: ek.kind === 'ship_attack' ? `the attack on the ${ship}` : `the ${ek.noun} in ${cityName}`,
      facility: ek.kind === 'ship_attack' ? `tanker ${ship}` : facility,
      place: cityName,
      country,
      targetId,
      targetMention: stateActor(country).mention,
      accused,
      date,
    });
  }
  return events;
}
