import { z } from 'zod';
import { PROBLEMS, ProblemSchema } from '../errors.js';

const DESCRIPTIONS: Record<number, string> = {
  400: 'The request is malformed: see `errors` for the fields at fault.',
  404: 'The record (or a route) does not exist.',
  406: 'Accept names no representation this operation has.',
  409: 'The change conflicts with stored records.',
  412: 'The precondition failed.',
  413: 'The body is too large.',
  415: 'The content type is not JSON.',
  422: 'The request is well-formed but cannot be applied (e.g. the quote is not in the source).',
  500: 'The server failed; no internals are shown.',
  503: 'The database is unavailable.',
};

/** Documents problem responses as `application/problem+json`, the type they are sent with. */
export function problemResponses(...statuses: number[]) {
  const out: Record<
    number,
    { description: string; content: Record<string, { schema: typeof ProblemSchema }> }
  > = {};
  for (const status of statuses) {
    const codes = Object.entries(PROBLEMS)
      .filter(([, p]) => p.status === status)
      .map(([code]) => `\`${code}\``)
      .join(', ');
    out[status] = {
      description: `${DESCRIPTIONS[status] ?? 'Problem.'}${codes ? ` Codes: ${codes}.` : ''}`,
      content: { 'application/problem+json': { schema: ProblemSchema } },
    };
  }
  return out;
}

export const noContent = { 204: z.undefined().describe('Deleted.') };
export const notModified = z.undefined().describe('Not modified: your copy (If-None-Match) is current.');
