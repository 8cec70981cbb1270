import { z } from 'zod';
import { TIME_PRECISIONS } from '../db/schema.js';
import { fastId, RECORD_ID, withFastPath } from './validation.js';

const LONE_SURROGATE = /\p{Cs}/u;

/**
 * A string that can be stored byte for byte and measured in code points. JSON may carry lone UTF-16
 * surrogates, which have no UTF-8 form and would be silently replaced, and NUL characters, at which
 * SQLite's length() and substr() stop counting (quote verification relies on them): both are refused.
 */
export const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !LONE_SURROGATE.test(s), { message: 'Contains a lone UTF-16 surrogate' })
    .refine((s) => !s.includes('\u0000'), { message: 'Contains a NUL character' });

export const name = (max = 300) =>
  text(max)
    .min(1)
    .refine((s) => s.trim().length > 0, { message: 'Must not be blank' });

/** A record id in a JSON body. */
export const idSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER).describe('A record id.');

/**
 * A record id in a path or query string: plain decimal digits only, so that `1e3`, `0x10` or `1.0`
 * are refused rather than read as another record's id.
 */
export const idParam = z
  .string()
  .regex(RECORD_ID, 'Must be a record id: a positive whole number in plain digits')
  .transform(Number)
  .pipe(z.number().max(Number.MAX_SAFE_INTEGER, 'Too large for a record id'))
  .describe('A record id (a positive integer).');

export const idParams = <K extends string>(key: K) =>
  withFastPath(z.object({ [key]: idParam } as Record<K, typeof idParam>), (data) => {
    if (typeof data !== 'object' || data === null) return undefined;
    const id = fastId((data as Record<string, unknown>)[key]);
    return id === undefined ? undefined : { value: { [key]: id } };
  });

/** An ISO 8601 date-time with an offset (or Z); stored and returned in UTC, so that text order is time order. */
export const instant = z.iso
  .datetime({ offset: true })
  .transform((v) => new Date(v).toISOString())
  .describe('ISO 8601 date-time with a time zone offset, e.g. `2023-01-28T23:30:00+03:30`; returned in UTC.');

export const timePrecision = z.enum(TIME_PRECISIONS).describe('How precisely the time is known.');

export const queryText = z.string().min(1).max(200).describe('Case-insensitive text to look for.');

export const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

export const nowIso = () => new Date().toISOString();

/** Turns user text into a LIKE pattern that matches it literally anywhere. */
export const containsPattern = (q: string) => `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
