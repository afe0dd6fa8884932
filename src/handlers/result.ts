import type { ProcessingError } from './errors.js';

/** A handler's answer: the effect it had, or the GitLab error that explains why not. */
export type HandlerResult = { ok: true; effect: Record<string, unknown> } | { ok: false; error: ProcessingError };

export const succeeded = (effect: Record<string, unknown>): HandlerResult => ({ ok: true, effect });
export const failed = (error: ProcessingError): HandlerResult => ({ ok: false, error });
