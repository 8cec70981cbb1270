import { z } from 'zod';
import { TIME_PRECISIONS } from '../db/schema.js';

const LONE_SURROGATE = /\p{Cs}/u;

/**
 * A string that can be stored byte for byte: JSON may carry lone UTF-16 surrogates,
 * which have no UTF-8 form and would be silently replaced, so they are refused.
 */
export const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !LONE_SURROGATE.test(s), { message: 'Contains a lone UTF-16 surrogate' });

export const name = (max = 300) =>
  text(max).refine((s) => s.trim().length > 0, { message: 'Must not be blank' });

export const idSchema = z.coerce
  .number()
  .int()
  .positive()
  .max(Number.MAX_SAFE_INTEGER)
  .describe('A record id (a positive integer).');

export const idParams = <K extends string>(key: K) =>
  z.object({ [key]: idSchema } as Record<K, typeof idSchema>);

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
