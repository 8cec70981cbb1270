import { z } from 'zod';
import { decodeCursorState } from '../../lib/pagination.js';
import type { SearchResume } from './search.repository.js';

const position = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
// The cursors search.protocol.ts encodes. Newest-first pages resume below the last rowid read; ranked pages
// at an offset in a window pinned at `top`.
const SearchCursor = z.discriminatedUnion('order', [
  z.object({ v: z.literal(2), order: z.literal('newest'), before: position }),
  z.object({ v: z.literal(2), order: z.literal('relevance'), top: position, offset: position }),
]);

export const decodeSearchCursor = (cursor: string): SearchResume => {
  const { v: _version, ...resume } = decodeCursorState(cursor, SearchCursor);
  return resume;
};
