import { badRequest, json, notFound } from '../reply.js';
import type { Route } from '../types.js';

/** GET /api/messages/:id: the spool entry and every step taken with it (as `postroom trace --json`). */
const readMessage: Route = {
  method: 'GET',
  path: '/api/messages/:id',
  handle({ params, deps }) {
    if (!/^\d+$/.test(params.id)) throw badRequest(`id must be a spool id (digits), got ${JSON.stringify(params.id)}`);
    const entry = deps.spool.get(Number(params.id));
    if (!entry) throw notFound('Message');
    return json({ ...entry, events: deps.spool.queue.events(entry.id) });
  },
};

export const messageRoutes: Route[] = [readMessage];
