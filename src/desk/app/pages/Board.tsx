import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { type ApiProblem, query, request, toProblem } from '../api/client.js';
import { useApiKey, useResource } from '../api/hooks.js';
import type {
  Actor,
  ActorRef,
  Attribution,
  AttributionBoard,
  BoardEntry,
  BoardPosition,
  Page,
} from '../api/types.js';
import { ClaimSummary } from '../components/common.js';
import { Loading, ProblemNotice } from '../components/Problem.js';
import { ScrollRegion } from '../components/ScrollRegion.js';
import { type BoardCell, type BoardRow, boardGrid } from '../lib/board.js';
import { plural } from '../lib/format.js';
import { href } from '../lib/router.js';
import { humanize, POSITION_LABELS } from '../lib/vocab.js';

interface BoardProps {
  eventId: number;
  eventTitle: string;
  rollUp: boolean;
  foldToTopLevel: boolean;
}

const rowLabel = (row: BoardRow) => row.actor?.name ?? 'No one held responsible';

export function Board({ eventId, eventTitle, rollUp, foldToTopLevel }: BoardProps) {
  const board = useResource<AttributionBoard>(
    `/events/${eventId}/attributions${query({ rollUp, foldToTopLevel })}`,
  );
  const [open, setOpen] = useState<{ rowKey: string; position: string } | null>(null);
  const panelHeading = useRef<HTMLHeadingElement>(null);
  const opener = useRef<HTMLButtonElement | null>(null);

  // A different count (toggle) or event makes a different grid: close what was open.
  useEffect(() => setOpen(null), [eventId, rollUp, foldToTopLevel]);
  useEffect(() => {
    if (open) panelHeading.current?.focus();
  }, [open]);

  const toggle = (name: 'rollUp' | 'foldToTopLevel', value: boolean) => {
    location.hash = href({ name: 'event', eventId, rollUp, foldToTopLevel, [name]: value });
  };

  const grid = board.data ? boardGrid(board.data) : null;
  const openRow = grid && open ? grid.rows.find((r) => r.key === open.rowKey) : undefined;
  const openCell = openRow && open ? openRow.cells.get(open.position as BoardCell['position']) : undefined;
  const openPosition =
    board.data && openRow && open
      ? board.data.actors
          .find((a) => (a.actor ? `actor:${a.actor.id}` : 'no-one') === openRow.key)
          ?.positions.find((p) => p.position === open.position)
      : undefined;

  return (
    <section aria-labelledby="board-heading" class="board">
      <h2 id="board-heading">Who is held responsible</h2>
      <fieldset class="toggles">
        <legend>How to count</legend>
        <label>
          <input
            type="checkbox"
            checked={rollUp}
            onChange={(e) => toggle('rollUp', e.currentTarget.checked)}
          />{' '}
          Roll up: count bodies under an actor with it (the Mossad with Israel)
        </label>
        <label>
          <input
            type="checkbox"
            checked={foldToTopLevel}
            onChange={(e) => toggle('foldToTopLevel', e.currentTarget.checked)}
          />{' '}
          Count a speaker with its state as one origin (a ministry with Iran)
        </label>
      </fieldset>
      <ProblemNotice problem={board.error} />
      {board.loading && !board.data ? <Loading what="the board" /> : null}
      {grid && grid.rows.length === 0 ? <p>No attribution is recorded for this event yet.</p> : null}
      {grid && grid.rows.length > 0 ? (
        <ScrollRegion class="table-scroll" labelledBy="board-caption">
          <table class="board-grid">
            <caption id="board-caption">
              Attributions for {eventTitle}: each cell is the number of attributions and the independent
              origins behind them.
            </caption>
            <thead>
              <tr>
                <th scope="col">Held responsible</th>
                {grid.positions.map((p) => (
                  <th scope="col" key={p}>
                    {POSITION_LABELS[p] ?? humanize(p)}
                  </th>
                ))}
                <th scope="col">All positions</th>
              </tr>
            </thead>
            <tbody>
              {grid.rows.map((row) => (
                <tr key={row.key} class={row.actor ? undefined : 'no-one-row'}>
                  <th scope="row">
                    {rowLabel(row)}
                    {row.actor ? <span class="kind">{humanize(row.actor.kind)}</span> : null}
                  </th>
                  {grid.positions.map((position) => {
                    const cell = row.cells.get(position) as BoardCell;
                    const isOpen = open?.rowKey === row.key && open.position === position;
                    return (
                      <td
                        key={position}
                        data-label={POSITION_LABELS[position] ?? humanize(position)}
                        class={cell.count === 0 && cell.retracted === 0 ? 'empty' : undefined}
                      >
                        {cell.count === 0 && cell.retracted === 0 ? (
                          <span class="none">
                            <span aria-hidden="true">·</span>
                            <span class="visually-hidden">none</span>
                          </span>
                        ) : (
                          <button
                            type="button"
                            class="cell"
                            aria-expanded={isOpen}
                            aria-controls="board-entries"
                            data-row={rowLabel(row)}
                            data-position={position}
                            onClick={(e) => {
                              opener.current = e.currentTarget;
                              setOpen(isOpen ? null : { rowKey: row.key, position });
                            }}
                          >
                            <CellSummary cell={cell} />
                          </button>
                        )}
                      </td>
                    );
                  })}
                  <td class="row-total" data-label="All positions">
                    <span class="total">
                      <span class="count">{plural(row.count, 'attribution')}</span>
                      <span class="origins">on {plural(row.independentOrigins, 'origin')}</span>
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      ) : null}
      {board.data ? (
        <details class="rule">
          <summary>How independent origins are counted</summary>
          <p>{board.data.independenceRule}</p>
        </details>
      ) : null}
      <div id="board-entries">
        {open && openRow && openCell && openPosition ? (
          <CellEntries
            key={`${open.rowKey}:${open.position}:${rollUp}:${foldToTopLevel}`}
            eventId={eventId}
            row={openRow}
            cell={openCell}
            position={openPosition}
            rollUp={rollUp}
            headingRef={panelHeading}
            onClose={() => {
              setOpen(null);
              opener.current?.focus();
            }}
          />
        ) : null}
      </div>
    </section>
  );
}

function CellSummary({ cell }: { cell: BoardCell }) {
  return (
    <>
      <span class="count">{plural(cell.count, 'attribution')}</span>
      <span class={cell.collapsed ? 'origins collapsed' : 'origins'}>
        on {plural(cell.independentOrigins, 'origin')}
      </span>
      {cell.collapsed ? <span class="note">copies collapse</span> : null}
      {cell.interested.length > 0 ? (
        <span class="interested-flag">
          <span aria-hidden="true">⚑ </span>
          {plural(cell.interested.length, 'interested party', 'interested parties')}
        </span>
      ) : null}
      {cell.retracted > 0 ? <span class="note">{cell.retracted} retracted, not counted</span> : null}
    </>
  );
}

/**
 * How an origin reads: its actor, or a publisher-less source; an unnamed group ("US officials") counts once per
 * outlet that reported it, so it is named with that outlet (`reportedBy`) or the source it stood in.
 */
function originLabel(position: BoardPosition, key: string): string {
  const origin = position.origins.find((o) => o.key === key);
  if (!origin) return key;
  if (origin.actor) {
    if (origin.reportedBy) return `${origin.actor.name}, as reported by ${origin.reportedBy.name}`;
    if (origin.source) return `${origin.actor.name}, as reported in “${origin.source.title}”`;
    return origin.actor.name;
  }
  if (origin.source) return `the source “${origin.source.title}”`;
  return key;
}

function CellEntries({
  eventId,
  row,
  cell,
  position,
  rollUp,
  headingRef,
  onClose,
}: {
  eventId: number;
  row: BoardRow;
  cell: BoardCell;
  position: BoardPosition;
  rollUp: boolean;
  headingRef: RefObject<HTMLHeadingElement | null>;
  onClose: () => void;
}) {
  const [showAll, setShowAll] = useState(false);
  const all = useCellAttributions(showAll ? { eventId, row, position: cell.position, rollUp } : null);
  const [shown, setShown] = useState(SHOWN_AT_ONCE);
  const title = `${row.actor?.name ?? 'No one held responsible'}: ${POSITION_LABELS[cell.position] ?? humanize(cell.position)}`;

  return (
    <section class="cell-entries" aria-labelledby="cell-entries-heading">
      <div class="panel-head">
        <h3 id="cell-entries-heading" tabIndex={-1} ref={headingRef}>
          {title}
        </h3>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <p class="meta">
        {plural(cell.count, 'attribution')} on {plural(cell.independentOrigins, 'independent origin')}:{' '}
        {position.origins.map((o) => originLabel(position, o.key)).join('; ')}
        {position.origins.length < cell.independentOrigins ? ' …' : ''}
      </p>
      <ol class="entries">
        {cell.entries.map((entry) => (
          <li key={entry.attributionId} class={entry.interestedParty ? 'entry interested' : 'entry'}>
            <EntryFlags
              entry={entry}
              originText={originLabel(position, entry.originKey)}
              named={namedOther(row, entry.heldActor)}
            />
            <ClaimSummary claim={entry.claim} />
          </li>
        ))}
      </ol>
      {cell.moreEntries > 0 && !showAll ? (
        <button type="button" onClick={() => setShowAll(true)}>
          Show all {cell.count + cell.retracted} attributions ({cell.moreEntries} more)
        </button>
      ) : null}
      {showAll ? (
        <>
          <h4>Every attribution in this cell</h4>
          <ProblemNotice problem={all.error} />
          {all.loading ? <Loading what="the attributions" /> : null}
          {all.items ? (
            <>
              <p class="meta" role="status">
                {plural(all.items.length, 'attribution')}
                {rollUp && row.actor ? `, to ${row.actor.name} and the bodies under it` : ''}, oldest first.
              </p>
              <ol class="entries">
                {all.items.slice(0, shown).map((a) => (
                  <li key={a.id} class="entry">
                    <p class="flags">
                      <span class="chip">{humanize(a.role)}</span>
                      {namedOther(row, a.actor) ? <span class="chip">names {a.actor?.name}</span> : null}
                      {a.retraction ? <span class="chip retracted">retracted, not counted</span> : null}
                    </p>
                    <ClaimSummary claim={a.claim} />
                  </li>
                ))}
              </ol>
              {all.items.length > shown ? (
                <button type="button" class="more" onClick={() => setShown((n) => n + SHOWN_AT_ONCE)}>
                  Show {Math.min(SHOWN_AT_ONCE, all.items.length - shown)} more
                </button>
              ) : null}
            </>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

function EntryFlags({
  entry,
  originText,
  named,
}: {
  entry: BoardEntry;
  originText: string;
  named: string | undefined;
}) {
  return (
    <p class="flags">
      <span class="chip">{humanize(entry.role)}</span>
      {entry.interestedParty ? (
        <span class="chip interested-party">
          Interested party{entry.interestedAs ? ` (${humanize(entry.interestedAs)})` : ''}
        </span>
      ) : null}
      {named ? <span class="chip">names {named}</span> : null}
      {entry.retraction ? <span class="chip retracted">retracted, not counted</span> : null}
      {entry.claimantReliability ? (
        <span class="chip">claimant reliability {entry.claimantReliability.grade}</span>
      ) : null}
      <span class="origin">origin: {originText}</span>
    </p>
  );
}

/** The actor an attribution named when it is not the row's own (with the roll-up, the Mossad on Israel's row). */
const namedOther = (row: BoardRow, named: ActorRef | null): string | undefined =>
  named && row.actor && named.id !== row.actor.id ? named.name : undefined;

/** How many attributions "show all" lists before asking to show more. */
const SHOWN_AT_ONCE = 100;

async function everyPage<T>(path: string, signal: AbortSignal): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await request(cursor ? `${path}&cursor=${encodeURIComponent(cursor)}` : path, {
      signal,
    });
    items.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/** An actor and every actor under it (`GET /actors?parent=`, level by level). */
async function actorAndBodiesUnder(actorId: number, signal: AbortSignal): Promise<number[]> {
  const seen = new Set([actorId]);
  let level = [actorId];
  while (level.length > 0) {
    const children = await Promise.all(
      level.map((id) => everyPage<Actor>(`/actors${query({ parent: id, limit: 100 })}`, signal)),
    );
    level = children.flat().flatMap((a) => (seen.has(a.id) ? [] : [a.id]));
    for (const id of level) seen.add(id);
  }
  return [...seen];
}

/**
 * Every attribution a cell counts, retracted ones included, oldest first: the row's actor's own, or with the
 * roll-up those to the actor and every body under it (as the board folds them), or for the row naming nobody
 * those with position `no_attribution`. `GET /attributions` filters on one actor, so a rolled-up cell is one
 * listing per actor of the subtree.
 */
function useCellAttributions(
  cell: { eventId: number; row: BoardRow; position: BoardCell['position']; rollUp: boolean } | null,
): { items: Attribution[] | null; error: ApiProblem | null; loading: boolean } {
  const key = useApiKey();
  const [state, setState] = useState<{
    items: Attribution[] | null;
    error: ApiProblem | null;
    loading: boolean;
  }>({ items: null, error: null, loading: false });
  const eventId = cell?.eventId;
  const actorId = cell?.row.actor?.id ?? null;
  const position = cell?.position;
  const rollUp = cell?.rollUp ?? false;
  useEffect(() => {
    if (eventId === undefined || position === undefined) {
      setState({ items: null, error: null, loading: false });
      return;
    }
    const controller = new AbortController();
    const { signal } = controller;
    setState({ items: null, error: null, loading: true });
    (async () => {
      const actors =
        actorId === null ? [undefined] : rollUp ? await actorAndBodiesUnder(actorId, signal) : [actorId];
      const lists = await Promise.all(
        actors.map((actor) =>
          everyPage<Attribution>(
            `/attributions${query({ event: eventId, actor, position, includeRetracted: true, limit: 100 })}`,
            signal,
          ),
        ),
      );
      return lists.flat().sort((a, b) => a.id - b.id);
    })().then(
      (items) => setState({ items, error: null, loading: false }),
      (error: unknown) => {
        if (!signal.aborted) setState({ items: null, error: toProblem(error), loading: false });
      },
    );
    return () => controller.abort();
  }, [eventId, actorId, position, rollUp, key]);
  return state;
}
