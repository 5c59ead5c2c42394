// Paper ids in community routes. New-style ids (2406.01234) are one path segment; old-style ids
// (hep-th/9901001, math.GT/0309136) contain a slash, so each paper route is registered for both shapes.
import type { Context } from 'hono';

export const PAPER_ID_PATTERNS = [':id{[0-9]+\\.[0-9]+}', ':archive{[a-z-]+(?:\\.[A-Z]+)?}/:num{[0-9]+}'] as const;

export function paperIdParam(c: Context): string {
  const archive = c.req.param('archive');
  return archive ? `${archive}/${c.req.param('num')}` : (c.req.param('id') ?? '');
}
