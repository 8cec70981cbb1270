import type supertest from 'supertest';
import { expect } from 'vitest';

// Factories create records through the API, as a client would, and return the stored representation.

export const WIRE_TEXT = [
  'Tehran, Jan. 29 (Wire) - Iran\u2019s defence ministry said on Sunday that a workshop was\r\n',
  'targeted by micro drones at around 23:30 local time. \u201cThere was minor damage to the roof,\u201d\r\n',
  'the ministry said \u2013 adding that operations were not disrupted.\r\n',
  'Local Telegram channels blamed Israel. Local Telegram channels blamed Israel.\r\n',
].join('');

async function post(api: supertest.Agent, path: string, body: object) {
  const res = await api.post(path).send(body);
  expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(201);
  return res.body;
}

export const createActor = (api: supertest.Agent, body: object = {}) =>
  post(api, '/actors', { name: 'Iranian Ministry of Defence', kind: 'government_body', ...body });

export const createSource = (api: supertest.Agent, body: object = {}) =>
  post(api, '/sources', { title: 'Wire story', kind: 'news_article', text: WIRE_TEXT, ...body });

export const createEvent = (api: supertest.Agent, body: object = {}) =>
  post(api, '/events', { title: 'Drone attack in Isfahan', kind: 'drone_attack', ...body });

export const createClaim = (api: supertest.Agent, body: { sourceId: number } & Record<string, unknown>) =>
  post(api, '/claims', {
    text: 'A workshop was targeted by micro drones.',
    stance: 'asserts',
    modality: 'paraphrase',
    quote: { exact: 'targeted by micro drones' },
    ...body,
  });

export const createAttribution = (
  api: supertest.Agent,
  body: { eventId: number; actorId?: number | null; claimId: number } & Record<string, unknown>,
) => post(api, '/attributions', { position: 'asserts', ...body });

export const createClaimLink = (
  api: supertest.Agent,
  body: { fromClaimId: number; toClaimId: number } & Record<string, unknown>,
) => post(api, '/claim-links', { relation: 'corroborates', ...body });
