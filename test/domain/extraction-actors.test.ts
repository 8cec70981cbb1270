import { describe, expect, it } from 'vitest';
import { createResolver, nameKey } from '../../src/domain/extraction/actors.js';
import type { KnownActor } from '../../src/domain/extraction/index.js';

const ACTORS: KnownActor[] = [
  { id: 1, name: 'Georgia', kind: 'state', aliases: [], parentId: null },
  { id: 2, name: 'Georgian Ministry of Energy', kind: 'government_body', aliases: [], parentId: 1 },
  { id: 3, name: 'Rwanda', kind: 'state', aliases: [], parentId: null },
  { id: 4, name: 'Armenia', kind: 'state', aliases: [], parentId: null },
  { id: 5, name: 'European Union Mission in Armenia', kind: 'government_body', aliases: [], parentId: null },
  { id: 6, name: 'Georgian officials', kind: 'group', aliases: [], parentId: 1 },
  { id: 7, name: 'Russia', kind: 'state', aliases: [], parentId: null },
  {
    id: 8,
    name: 'Presidential Executive Office of Russia',
    kind: 'government_body',
    aliases: ['Kremlin'],
    parentId: 7,
  },
  { id: 9, name: 'Democratic Republic of the Congo', kind: 'state', aliases: [], parentId: null },
  { id: 10, name: 'Embassy of Russia in Poland', kind: 'government_body', aliases: [], parentId: 7 },
  { id: 11, name: 'M23', kind: 'group', aliases: [], parentId: null },
  { id: 12, name: 'Guyana', kind: 'state', aliases: [], parentId: null },
];
const resolver = createResolver(ACTORS);
const best = (phrase: string) => resolver.resolve(phrase)[0];

describe('actor names: countries, word order and near matches', () => {
  it('a demonym, a possessive and a capital name the same state', () => {
    expect(nameKey('Georgia’s energy ministry')).toEqual(nameKey('the Georgian Ministry of Energy'));
    expect(best('Georgia’s energy ministry')).toMatchObject({ actor: { id: 2 }, score: 1 });
    expect(best('Kigali')).toMatchObject({ actor: { id: 3 }, score: 1 });
    expect(best('Congo’s government')).toMatchObject({ actor: { id: 9 } });
    expect(best('The Government of Guyana')).toMatchObject({ actor: { id: 12 } });
  });

  it('"X of <country> in Y" is the country’s X: the Russian embassy in Warsaw', () => {
    expect(best('the Russian embassy in Warsaw')).toMatchObject({ actor: { id: 10 }, score: 1 });
  });

  it('a name as written wins over the country it stands for: "the Kremlin" is the Kremlin, not Russia', () => {
    expect(best('the Kremlin')?.actor.id).toBe(8);
    expect(createResolver(ACTORS.filter((a) => a.id !== 8)).resolve('the Kremlin')[0]?.actor.id).toBe(7);
  });

  it('a word more or fewer than a name on record, with the same head, still matches, less surely', () => {
    const mission = best('the EU monitoring mission in Armenia');
    expect(mission?.actor.id).toBe(5);
    expect(mission?.score).toBeLessThan(1);
    expect(best('a Georgian security official')?.actor.id).toBe(6);
  });

  it('trap: what follows a preposition is not the speaker ("the EU mission in Armenia" is not Armenia)', () => {
    const found = resolver.resolve('the monitoring team in Armenia');
    expect(found.find((m) => m.actor.id === 4)).toBeUndefined();
  });

  it('a group named with what it is, and a country’s forces as the party held responsible', () => {
    expect(best('M23 rebels')?.actor.id).toBe(11);
    expect(resolver.resolveParty('Congolese forces')[0]?.actor.id).toBe(9);
    // Only as a party held responsible: a speaker "Congolese forces" is not the state itself.
    expect((best('Congolese forces')?.score ?? 0) < 0.55).toBe(true);
    // Trap: a word that is not a side of the country.
    expect(resolver.resolveParty('Georgian wine')[0]).toBeUndefined();
  });
});
