import { created, invalidRecord, json } from '../reply.js';
import type { Route } from '../types.js';
import { findUser, requireTracker } from './lookup.js';
import { projectsAsked, userView } from './present.js';

/** POST /api/users {username, email, name?, incomingEmailToken?}: 201 the user with its token (and addresses with ?project=). */
const createUser: Route = {
  method: 'POST',
  path: '/api/users',
  async handle({ body, query, deps }) {
    const tracker = requireTracker(deps);
    const fields = await body();
    const input = {
      username: fields.string('username'),
      email: fields.string('email'),
      name: fields.optionalString('name'),
      incomingEmailToken: fields.optionalString('incomingEmailToken'),
    };
    const projects = projectsAsked(tracker, query);
    const result = tracker.createUser(input);
    if (!result.saved) throw invalidRecord(result.errors);
    return created(userView(tracker, deps.templates, result.record, projects));
  },
};

/** GET /api/users/:user (id or username): the user with its token (and addresses with ?project=). */
const readUser: Route = {
  method: 'GET',
  path: '/api/users/:user',
  handle({ params, query, deps }) {
    const tracker = requireTracker(deps);
    const user = findUser(tracker, params.user);
    return json(userView(tracker, deps.templates, user, projectsAsked(tracker, query)));
  },
};

/** POST /api/users/:user/emails {email, verified? = true}: a secondary email replies may come from. */
const addEmail: Route = {
  method: 'POST',
  path: '/api/users/:user/emails',
  async handle({ params, body, deps }) {
    const tracker = requireTracker(deps);
    const user = findUser(tracker, params.user);
    const fields = await body();
    const email = fields.string('email');
    const verified = fields.boolean('verified') ?? true;
    const result = tracker.addEmail(user, email, { verified });
    if (!result.saved) throw invalidRecord(result.errors);
    return created({ userId: user.id, email: result.record.email, verified });
  },
};

export const userRoutes: Route[] = [createUser, readUser, addEmail];
