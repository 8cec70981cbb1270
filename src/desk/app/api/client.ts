import type { Problem } from './types.js';

// The desk talks to the API over HTTP like any other client, on the same origin, with the key the
// journalist entered (kept for this tab only, in session storage) or with none (read-only).

const KEY_STORAGE = 'claimledger.apiKey';
const listeners = new Set<(key: string | null) => void>();

export function storedKey(): string | null {
  try {
    return sessionStorage.getItem(KEY_STORAGE);
  } catch {
    return null;
  }
}

export function storeKey(key: string | null): void {
  try {
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
  } catch {
    // Storage refused (a private mode): the key lives until the page is closed.
  }
  for (const listener of listeners) listener(key);
}

export function onKeyChange(listener: (key: string | null) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** What the desk shows of any failure: the problem's title and detail, and its field errors. */
export type ApiProblem = Pick<Problem, 'title' | 'detail' | 'status'> &
  Partial<Omit<Problem, 'title' | 'detail' | 'status'>>;

export class ApiError extends Error {
  readonly problem: ApiProblem;
  constructor(problem: ApiProblem) {
    super(`${problem.title}: ${problem.detail}`);
    this.problem = problem;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Use this key instead of the stored one (checking a key before keeping it). */
  key?: string | null;
  signal?: AbortSignal;
}

async function problemOf(response: Response): Promise<ApiProblem> {
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const body = (await response.json()) as Partial<Problem>;
      if (typeof body.title === 'string') {
        return {
          ...body,
          title: body.title,
          detail: body.detail ?? '',
          status: body.status ?? response.status,
        };
      }
    } catch {
      // Not JSON after all: fall through to the status line.
    }
  }
  return {
    title: `The service answered ${response.status}`,
    detail: response.statusText || 'The response was not a problem document.',
    status: response.status,
  };
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const key = options.key === undefined ? storedKey() : options.key;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
      credentials: 'omit',
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({
      title: 'The service could not be reached',
      detail: error instanceof Error ? error.message : String(error),
      status: 0,
    });
  }
  if (!response.ok) throw new ApiError(await problemOf(response));
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export const toProblem = (error: unknown): ApiProblem =>
  error instanceof ApiError
    ? error.problem
    : {
        title: 'Something went wrong in the page',
        detail: error instanceof Error ? error.message : String(error),
        status: 0,
      };

/** A query string from the parameters that are set. */
export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === '' || value === false) continue;
    search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
