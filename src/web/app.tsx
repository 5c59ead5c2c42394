// The route table: every page and API route, in one readable place.
import { Hono } from 'hono';
import { AppError } from '../errors.ts';
import { listLatestPapers } from '../db/papers.ts';
import type { AppContext } from './context.ts';

export function createApp(ctx: AppContext): Hono {
  const app = new Hono();

  app.get('/', async (c) => {
    const papers = await listLatestPapers(ctx.database, 50);
    return c.html(
      '<!DOCTYPE html>' +
        (
          <html lang="en">
            <head>
              <meta charset="utf-8" />
              <meta name="viewport" content="width=device-width, initial-scale=1" />
              <title>Paperfeed</title>
            </head>
            <body>
              <h1>Latest papers</h1>
              <ol>
                {papers.map((p) => (
                  <li>
                    <a href={`https://arxiv.org/abs/${p.id}`}>{p.title}</a> — {p.authors.slice(0, 3).join(', ')}
                  </li>
                ))}
              </ol>
            </body>
          </html>
        ).toString(),
    );
  });

  app.get('/healthz', (c) => c.text('ok'));

  app.notFound((c) => c.json({ error: { code: 'not_found', message: `no route for ${c.req.path}` } }, 404));
  app.onError((err, c) => {
    if (err instanceof AppError) {
      return c.json({ error: { code: err.code, message: err.message } }, err.status as 400, err.headers);
    }
    ctx.logger.error({ err, path: c.req.path }, 'unhandled error');
    return c.json({ error: { code: 'internal', message: 'internal server error' } }, 500);
  });
  return app;
}
