/** What a handler answers: a value the server writes, so no handler touches the response object. */
export interface Reply {
  status: number;
  /** Serialised as JSON unless `contentType` says otherwise (then it must be a string). */
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

/** A refusal with its status; thrown from deep inside a handler (a bad field, a missing project). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const json = (body: unknown, status = 200): Reply => ({ status, body });
export const created = (body: unknown): Reply => ({ status: 201, body });

export const badRequest = (message: string, details?: Record<string, unknown>): HttpError =>
  new HttpError(400, message, details);
// GitLab words it "404 Project Not Found"; scripts written against GitLab's API read the same.
export const notFound = (what: string): HttpError => new HttpError(404, `404 ${what} Not Found`);
export const forbidden = (message: string): HttpError => new HttpError(403, `403 Forbidden - ${message}`);

/** A tracker validation failure (`Saved` with errors) as GitLab's API answers it: 400 with the messages. */
export function invalidRecord(errors: string[]): HttpError {
  return badRequest(errors.join(', '), { errors });
}

export function replyResponse(reply: Reply): Response {
  const payload = reply.contentType ? String(reply.body) : `${JSON.stringify(reply.body)}\n`;
  return new Response(payload, {
    status: reply.status,
    headers: {
      'Content-Type': reply.contentType ?? 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      ...reply.headers,
    },
  });
}

/** An HttpError as the JSON API answers it. */
export function errorReply(error: HttpError): Reply {
  return {
    status: error.status,
    body: { message: error.message, ...error.details },
    headers: error.headers,
  };
}
