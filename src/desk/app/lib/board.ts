import type { AttributionBoard, AttributionPosition, BoardEntry, BoardPosition } from '../api/types.js';

export interface BoardCell {
  position: AttributionPosition;
  count: number;
  independentOrigins: number;
  retracted: number;
  /** Entries shown whose claimant is a party to the event or the accused (or a body under one). */
  interested: BoardEntry[];
  entries: BoardEntry[];
  moreEntries: number;
  /** More attributions than independent origins: some are copies or repeats of one another. */
  collapsed: boolean;
}

export interface BoardRow {
  key: string;
  /** The actor held responsible; null for the row of attributions that hold no one responsible. */
  actor: { id: number; name: string; kind: string } | null;
  count: number;
  independentOrigins: number;
  cells: Map<AttributionPosition, BoardCell>;
}

export interface BoardGrid {
  positions: AttributionPosition[];
  rows: BoardRow[];
}

const emptyCell = (position: AttributionPosition): BoardCell => ({
  position,
  count: 0,
  independentOrigins: 0,
  retracted: 0,
  interested: [],
  entries: [],
  moreEntries: 0,
  collapsed: false,
});

const cellOf = (p: BoardPosition): BoardCell => ({
  position: p.position,
  count: p.count,
  independentOrigins: p.independentOrigins,
  retracted: p.retracted,
  interested: p.entries.filter((e) => e.interestedParty),
  entries: p.entries,
  moreEntries: p.moreEntries,
  collapsed: p.independentOrigins < p.count,
});

/**
 * The board as a grid: actors held responsible down the side, positions across (every position any row
 * has, in the server's order), the row of attributions that name no one last.
 */
export function boardGrid(board: AttributionBoard): BoardGrid {
  const positions: AttributionPosition[] = [];
  for (const row of board.actors) {
    for (const p of row.positions) if (!positions.includes(p.position)) positions.push(p.position);
  }
  const rows = board.actors.map((row): BoardRow => {
    const cells = new Map<AttributionPosition, BoardCell>();
    for (const position of positions) cells.set(position, emptyCell(position));
    for (const p of row.positions) cells.set(p.position, cellOf(p));
    return {
      key: row.actor ? `actor:${row.actor.id}` : 'no-one',
      actor: row.actor,
      count: row.count,
      independentOrigins: row.independentOrigins,
      cells,
    };
  });
  rows.sort((a, b) => Number(a.actor === null) - Number(b.actor === null));
  return { positions, rows };
}
