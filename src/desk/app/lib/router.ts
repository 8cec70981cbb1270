// The desk routes on the URL's fragment (#/events/8): the path part belongs to the API, whose /events/8
// is JSON, so the page never claims an API path and a reload always lands on the page.

export type Route =
  | { name: 'events'; q: string }
  | { name: 'event'; eventId: number; rollUp: boolean; foldToTopLevel: boolean }
  | { name: 'claim'; claimId: number }
  | { name: 'source'; sourceId: number }
  | { name: 'intake'; sourceId: number | null; candidateId: number | null }
  | { name: 'search'; q: string; kind: '' | 'claim' | 'quote' | 'source' }
  | { name: 'not-found'; path: string };

const id = (value: string | undefined) => {
  if (!value || !/^[1-9][0-9]{0,15}$/.test(value)) return null;
  return Number(value);
};
const flag = (params: URLSearchParams, name: string) => params.get(name) === 'true';

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const [pathPart = '/', queryPart = ''] = raw.split('?', 2);
  const params = new URLSearchParams(queryPart);
  const parts = pathPart.split('/').filter(Boolean);
  const [first, second] = parts;
  if (parts.length === 0 || (first === 'events' && parts.length === 1)) {
    return { name: 'events', q: params.get('q') ?? '' };
  }
  if (parts.length === 2) {
    const n = id(second);
    if (n !== null) {
      if (first === 'events') {
        return {
          name: 'event',
          eventId: n,
          rollUp: flag(params, 'rollUp'),
          foldToTopLevel: flag(params, 'foldToTopLevel'),
        };
      }
      if (first === 'claims') return { name: 'claim', claimId: n };
      if (first === 'sources') return { name: 'source', sourceId: n };
    }
  }
  if (first === 'intake' && parts.length <= 2) {
    const sourceId = id(second);
    if (parts.length === 1 || sourceId !== null) {
      return { name: 'intake', sourceId, candidateId: id(params.get('candidate') ?? undefined) };
    }
  }
  if (first === 'search' && parts.length === 1) {
    const kind = params.get('kind');
    return {
      name: 'search',
      q: params.get('q') ?? '',
      kind: kind === 'claim' || kind === 'quote' || kind === 'source' ? kind : '',
    };
  }
  return { name: 'not-found', path: pathPart };
}

/** The fragment for a route: links are written with it, so every view is a URL that can be shared. */
export function href(route: Route): string {
  const withQuery = (path: string, query: Record<string, string | boolean | number | null>) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query))
      if (v !== null && v !== '' && v !== false) params.set(k, String(v));
    const qs = params.toString();
    return `#${path}${qs ? `?${qs}` : ''}`;
  };
  switch (route.name) {
    case 'events':
      return withQuery('/events', { q: route.q });
    case 'event':
      return withQuery(`/events/${route.eventId}`, {
        rollUp: route.rollUp,
        foldToTopLevel: route.foldToTopLevel,
      });
    case 'claim':
      return `#/claims/${route.claimId}`;
    case 'source':
      return `#/sources/${route.sourceId}`;
    case 'intake':
      return withQuery(route.sourceId ? `/intake/${route.sourceId}` : '/intake', {
        candidate: route.candidateId,
      });
    case 'search':
      return withQuery('/search', { q: route.q, kind: route.kind });
    case 'not-found':
      return `#${route.path}`;
  }
}

export const eventHref = (eventId: number) =>
  href({ name: 'event', eventId, rollUp: false, foldToTopLevel: false });
export const claimHref = (claimId: number) => href({ name: 'claim', claimId });
export const sourceHref = (sourceId: number) => href({ name: 'source', sourceId });
