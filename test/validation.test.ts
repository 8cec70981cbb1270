import fc from 'fast-check';
import { validatorCompiler as zodValidatorCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { idParams } from '../src/lib/schemas.js';
import { noQuery, validatorCompiler } from '../src/lib/validation.js';

type Validate = (data: unknown) => { value?: unknown; error?: unknown };

const compile = (compiler: typeof validatorCompiler, schema: z.ZodType, httpPart: string) =>
  compiler({ schema, method: 'GET', url: '/x', httpPart }) as Validate;

/** The fast path answers as zod does, wherever it answers at all. */
function agreesWithZod(schema: z.ZodType, httpPart: string, data: unknown) {
  const withFastPath = compile(validatorCompiler, schema, httpPart)(data);
  const zodOnly = compile(zodValidatorCompiler as typeof validatorCompiler, schema, httpPart)(data);
  if ('error' in zodOnly && zodOnly.error !== undefined) {
    expect(withFastPath.error, JSON.stringify(data)).toEqual(zodOnly.error);
  } else {
    expect(withFastPath, JSON.stringify(data)).toEqual(zodOnly);
  }
}

const segment = fc.oneof(
  fc.bigInt({ min: -10n, max: 10n ** 17n }).map(String),
  fc.stringMatching(/^[0-9]{1,18}$/),
  fc.constantFrom(
    '0',
    '01',
    '+1',
    ' 1',
    '1 ',
    '1e3',
    '0x10',
    '1.0',
    '١٢',
    '',
    '9007199254740991',
    '9007199254740992',
  ),
  fc.string(),
);

describe('the validators’ fast paths', () => {
  it('read a path id exactly as idParam does, whatever the segment', () => {
    const schema = idParams('claimId');
    fc.assert(
      fc.property(segment, (s) => agreesWithZod(schema, 'params', { claimId: s })),
      { numRuns: 2000 },
    );
    agreesWithZod(schema, 'params', {});
    agreesWithZod(schema, 'params', { claimId: 5 });
    agreesWithZod(schema, 'params', null);
  });

  it('take an empty query string as the strict empty object zod checks, and leave any parameter to zod', () => {
    const schema = noQuery();
    const query = fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string(), fc.array(fc.string())), {
      maxKeys: 3,
    });
    fc.assert(
      fc.property(query, (q) => agreesWithZod(schema, 'querystring', q)),
      { numRuns: 500 },
    );
    // Fastify's parsed query has no prototype.
    agreesWithZod(schema, 'querystring', Object.create(null));
    agreesWithZod(schema, 'querystring', Object.assign(Object.create(null), { cursor: 'x' }));
    expect(compile(validatorCompiler, schema, 'querystring')(Object.create(null))).toEqual({ value: {} });
  });
});
