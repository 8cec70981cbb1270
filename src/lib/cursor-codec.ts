/**
 * Cursors are opaque to clients: base64url JSON of whatever state a list needs to resume. No imports, so that
 * a search worker can make them; pagination.ts decodes them against a zod schema.
 */
export function encodeCursorState(state: object): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}
