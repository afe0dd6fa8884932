import { badRequest, json, notFound } from '../reply.js';
import type { Route } from '../types.js';

/** GET /api/messages/:id: the message, each recipient's delivery and every step taken (as `postroom trace --json`). */
const readMessage: Route = {
  method: 'GET',
  path: '/api/messages/:id',
  handle({ params, deps }) {
    if (!/^\d+$/.test(params.id)) throw badRequest(`id must be a spool id (digits), got ${JSON.stringify(params.id)}`);
    const trace = deps.spool.trace(Number(params.id));
    if (!trace) throw notFound('Message');
    return json(trace);
  },
};

export const messageRoutes: Route[] = [readMessage];
