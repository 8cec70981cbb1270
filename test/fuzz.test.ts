/**
 * Property-based fuzzing of every operation in the service's own OpenAPI document: valid-ish and hostile
 * requests against a seeded app, every response held to the document (see test/helpers/fuzz.ts).
 *
 * FUZZ_RUNS sets the runs per operation (25 by default; `npm run fuzz` runs 2000). To replay a failure,
 * set FUZZ_SEED (and FUZZ_PATH) to the values fast-check prints.
 */
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { buildTestApp } from './helpers/app.js';
import { createFuzzer } from './helpers/fuzz.js';

const numRuns = Number(process.env.FUZZ_RUNS ?? 25);
const replay =
  process.env.FUZZ_SEED === undefined
    ? {}
    : {
        seed: Number(process.env.FUZZ_SEED),
        ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}),
      };

// One seeded app for the file; each request runs in a savepoint that is rolled back, so runs do not interfere.
const ctx = await buildTestApp({ seed: true });
const fuzzer = await createFuzzer(ctx);

afterAll(async () => {
  await ctx.close();
});

describe('fuzzing every operation of the OpenAPI document', () => {
  for (const op of fuzzer.operations) {
    it(
      `${op.method.toUpperCase()} ${op.path} (${op.operationId}) answers as documented`,
      async () => {
        await fc.assert(
          fc.asyncProperty(fuzzer.requests(op), async (request) => {
            for (const response of await fuzzer.send(request)) fuzzer.check(op, response);
          }),
          { numRuns, ...replay },
        );
      },
      Math.max(20_000, numRuns * 100),
    );
  }
});
