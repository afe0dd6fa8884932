import type { Hono } from 'hono';
import type { AppEnv } from '../env.js';
import { requireOperator } from '../session/middleware.js';
import { refusalPage } from '../views/layout.js';
import { dashboard } from './dashboard.js';
import type { ConsoleDeps } from './deps.js';
import { messagePage } from './message.js';
import { deadPage, messagesPage } from './messages.js';
import { outboxPage } from './outbox.js';
import { refusalsPage } from './refusals.js';

const REPLAYABLE = new Set(['dead', 'rejected']);

/** The operator's console: every page needs an operator session; replay is the one thing it changes. */
export function mountConsole(app: Hono<AppEnv>, deps: ConsoleDeps): void {
  for (const path of ['/', '/messages', '/messages/*', '/dead', '/outbox', '/refusals', '/replay'])
    app.use(path, requireOperator);
  app.get('/', (c) => c.html(dashboard(c, deps)));
  app.get('/messages', (c) => c.html(messagesPage(c, deps)));
  app.get('/dead', (c) => c.html(deadPage(c, deps)));
  app.get('/outbox', (c) => c.html(outboxPage(c, deps)));
  app.get('/refusals', (c) => c.html(refusalsPage(c, deps)));
  app.get('/messages/:id{[0-9]+}', (c) => {
    const trace = deps.sources.spool.trace(Number(c.req.param('id')));
    if (!trace) return c.html(refusalPage(c, 'No such message', 'The spool has no message with this id.'), 404);
    return c.html(messagePage(c, deps, trace));
  });
  app.get('/messages/:id{[0-9]+}/raw', (c) => {
    const id = Number(c.req.param('id'));
    const raw = deps.sources.spool.raw(id);
    if (!raw) return c.html(refusalPage(c, 'No such message', 'The spool has no message with this id.'), 404);
    return new Response(new Uint8Array(raw), {
      headers: {
        'Content-Type': 'message/rfc822',
        'Content-Disposition': `attachment; filename="message-${id}.eml"`,
        'Cache-Control': 'no-store',
      },
    });
  });
  app.post('/replay', async (c) => {
    const form = await c.req.parseBody({ all: true });
    const ids = ([] as unknown[])
      .concat(form.id ?? [])
      .map(Number)
      .filter(Number.isSafeInteger);
    const replayed: number[] = [];
    // Each message's dead or rejected deliveries go back in line, each with a fresh budget.
    for (const id of ids) {
      const deliveries = deps.sources.spool.get(id)?.deliveries ?? [];
      const queued = deliveries.filter(
        (d) =>
          REPLAYABLE.has(d.state) && deps.sources.spool.queue.requeue(d.id, deps.now(), 'replayed from the console'),
      );
      if (queued.length > 0) replayed.push(id);
    }
    if (replayed.length > 0) deps.sources.wakeRouting?.();
    if (replayed.length === 1 && ids.length === 1) return c.redirect(`/messages/${replayed[0]}`, 303);
    return c.redirect(`/dead?replayed=${replayed.length}`, 303);
  });
}
