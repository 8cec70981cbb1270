import { useEffect, useRef, useState } from 'preact/hooks';
import { KeyPanel } from './components/KeyPanel.js';
import { parseRoute, type Route } from './lib/router.js';
import { ClaimPage } from './pages/ClaimPage.js';
import { EventPage } from './pages/EventPage.js';
import { EventsPage } from './pages/EventsPage.js';
import { IntakePage } from './pages/IntakePage.js';
import { SearchPage } from './pages/SearchPage.js';
import { SourcePage } from './pages/SourcePage.js';

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

const SECTIONS = [
  { href: '#/events', label: 'Events', matches: ['events', 'event'] },
  { href: '#/search', label: 'Search', matches: ['search'] },
  { href: '#/intake', label: 'Intake', matches: ['intake'] },
] as const;

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case 'events':
      return <EventsPage q={route.q} />;
    case 'event':
      return <EventPage route={route} />;
    case 'claim':
      return <ClaimPage claimId={route.claimId} />;
    case 'source':
      return <SourcePage sourceId={route.sourceId} />;
    case 'intake':
      return <IntakePage sourceId={route.sourceId} candidateId={route.candidateId} />;
    case 'search':
      return <SearchPage q={route.q} kind={route.kind} />;
    case 'not-found':
      return (
        <>
          <h1 tabIndex={-1}>Nothing here</h1>
          <p>
            The desk has no page at <code>{route.path}</code>. Start from the <a href="#/events">events</a>.
          </p>
        </>
      );
  }
}

export function App() {
  const route = useRoute();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  const path = location.hash.split('?')[0];

  // After a navigation, move focus to the new page's heading so that keyboard and screen-reader users
  // start reading there (query changes within a page, such as a board toggle, keep focus where it is).
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const heading = main.current?.querySelector<HTMLElement>('h1');
    heading?.focus();
  }, [path]);

  return (
    <>
      <button
        type="button"
        class="skip"
        onClick={() => main.current?.querySelector<HTMLElement>('h1')?.focus()}
      >
        Skip to content
      </button>
      <header class="top">
        <a class="brand" href="#/events">
          claimledger <span>desk</span>
        </a>
        <nav aria-label="Sections">
          <ul>
            {SECTIONS.map((s) => (
              <li key={s.href}>
                <a
                  href={s.href}
                  aria-current={(s.matches as readonly string[]).includes(route.name) ? 'page' : undefined}
                >
                  {s.label}
                </a>
              </li>
            ))}
            <li>
              <a href="/docs">API docs</a>
            </li>
          </ul>
        </nav>
        <KeyPanel />
      </header>
      <main id="main" ref={main}>
        <Page route={route} />
      </main>
    </>
  );
}
