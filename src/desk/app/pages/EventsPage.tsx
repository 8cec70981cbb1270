import { useEffect, useState } from 'preact/hooks';
import { query } from '../api/client.js';
import { usePagedList } from '../api/hooks.js';
import type { EventRecord } from '../api/types.js';
import { MoreButton, useTitle } from '../components/common.js';
import { Loading, ProblemNotice } from '../components/Problem.js';
import { formatTime } from '../lib/format.js';
import { eventHref, href } from '../lib/router.js';
import { humanize } from '../lib/vocab.js';

export function EventsPage({ q }: { q: string }) {
  useTitle('Events');
  const [draft, setDraft] = useState(q);
  useEffect(() => setDraft(q), [q]);
  const list = usePagedList<EventRecord>(`/events${query({ q, limit: 50 })}`);

  return (
    <>
      <h1 tabIndex={-1}>Events</h1>
      <search>
        <form
          class="search-form"
          onSubmit={(e) => {
            e.preventDefault();
            location.hash = href({ name: 'events', q: draft.trim() });
          }}
        >
          <label for="event-q">Find an event by title</label>
          <div class="inline">
            <input
              id="event-q"
              type="search"
              value={draft}
              onInput={(e) => setDraft(e.currentTarget.value)}
            />
            <button type="submit">Find</button>
          </div>
        </form>
      </search>
      <ProblemNotice problem={list.error} />
      {list.loading && list.items.length === 0 ? <Loading what="events" /> : null}
      {!list.loading && !list.error && list.items.length === 0 ? (
        <p>No event {q ? `matches “${q}”` : 'is recorded yet'}.</p>
      ) : null}
      <ul class="cards">
        {list.items.map((event) => (
          <li key={event.id} class="card">
            <h2>
              <a href={eventHref(event.id)}>{event.title}</a>
            </h2>
            <p class="meta">
              {humanize(event.kind)}
              {event.startsAt ? ` · ${formatTime(event.startsAt, event.timePrecision)}` : ''}
              {event.placeName ? ` · ${event.placeName}` : ''}
              {event.parent ? ` · part of ${event.parent.title}` : ''}
            </p>
            {event.summary ? <p>{event.summary}</p> : null}
          </li>
        ))}
      </ul>
      <MoreButton hasMore={list.hasMore} loading={list.loading} onMore={list.more} what="events" />
    </>
  );
}
