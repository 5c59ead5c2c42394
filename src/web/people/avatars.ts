// GET /avatars/{text}.svg: the avatar drawn for any text (src/domain/avatar.ts). It never answers 404, so Hugging
// Face's relative default-avatar paths (/avatars/<hash>.svg), passed on as given in the API, resolve here too.
import type { Context } from 'hono';
import { avatarSvg } from '../../domain/avatar.ts';
import { represent } from '../http/conditional.ts';

/** Drawn avatars kept in memory: a page of cards asks for the same few dozen again and again. */
const CACHED_AVATARS = 5_000;

export function avatarHandler() {
  const cache = new Map<string, string>();
  return (c: Context) => {
    const text = (c.req.param('file') ?? '').replace(/\.svg$/, '');
    let svg = cache.get(text);
    if (svg === undefined) {
      svg = avatarSvg(text);
      if (cache.size >= CACHED_AVATARS) cache.delete(cache.keys().next().value!);
      cache.set(text, svg);
    }
    return represent(c, { body: svg, contentType: 'image/svg+xml', cacheControl: 'public, max-age=604800' });
  };
}
