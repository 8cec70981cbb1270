import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { type ApiProblem, onKeyChange, request, storedKey, toProblem } from './client.js';
import type { Page } from './types.js';

export function useApiKey(): string | null {
  const [key, setKey] = useState(storedKey);
  useEffect(() => onKeyChange(setKey), []);
  return key;
}

export interface Resource<T> {
  data: T | null;
  error: ApiProblem | null;
  loading: boolean;
  reload(): void;
}

/** GETs `path` (null: nothing yet), again whenever it or the API key changes. */
export function useResource<T>(path: string | null): Resource<T> {
  const key = useApiKey();
  const [state, setState] = useState<{ data: T | null; error: ApiProblem | null; loading: boolean }>({
    data: null,
    error: null,
    loading: path !== null,
  });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (path === null) {
      setState({ data: null, error: null, loading: false });
      return;
    }
    const controller = new AbortController();
    setState((s) => ({ data: s.data, error: null, loading: true }));
    request<T>(path, { signal: controller.signal }).then(
      (data) => setState({ data, error: null, loading: false }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState({ data: null, error: toProblem(error), loading: false });
      },
    );
    return () => controller.abort();
  }, [path, key, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}

export interface PagedList<T> {
  items: T[];
  error: ApiProblem | null;
  loading: boolean;
  hasMore: boolean;
  more(): void;
}

/** A keyset-paged list: the first page of `path`, then the next ones on demand. */
export function usePagedList<T>(path: string | null): PagedList<T> {
  const key = useApiKey();
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<ApiProblem | null>(null);
  const [loading, setLoading] = useState(false);
  const current = useRef<AbortController | null>(null);

  const load = useCallback(
    (after: string | null) => {
      if (path === null) return;
      current.current?.abort();
      const controller = new AbortController();
      current.current = controller;
      setLoading(true);
      setError(null);
      const separator = path.includes('?') ? '&' : '?';
      const url = after ? `${path}${separator}cursor=${encodeURIComponent(after)}` : path;
      request<Page<T>>(url, { signal: controller.signal }).then(
        (page) => {
          setItems((previous) => (after ? [...previous, ...page.data] : page.data));
          setCursor(page.nextCursor);
          setLoading(false);
        },
        (e: unknown) => {
          if (controller.signal.aborted) return;
          setError(toProblem(e));
          setLoading(false);
        },
      );
    },
    [path],
  );

  useEffect(() => {
    setItems([]);
    setCursor(null);
    if (path === null) {
      setError(null);
      setLoading(false);
      return;
    }
    load(null);
    return () => current.current?.abort();
  }, [load, key]);

  return { items, error, loading, hasMore: cursor !== null, more: () => load(cursor) };
}

/** A write in progress and its outcome, for a button and the problem shown beside it. */
export function useAction<Args extends unknown[], R>(
  run: (...args: Args) => Promise<R>,
): { busy: boolean; error: ApiProblem | null; clear(): void; go(...args: Args): Promise<R | undefined> } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiProblem | null>(null);
  const go = async (...args: Args) => {
    setBusy(true);
    setError(null);
    try {
      return await run(...args);
    } catch (e) {
      setError(toProblem(e));
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, clear: () => setError(null), go };
}
