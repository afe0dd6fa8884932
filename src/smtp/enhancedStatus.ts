import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';

const LEADING_STATUS = /^[245]\.\d{1,3}\.\d{1,3} /;
type Send = (code: number, data?: unknown, context?: unknown) => void;
let installed = false;

/**
 * smtp-server derives the enhanced status code from the reply code alone (550 always becomes
 * 5.1.1, 452 becomes 4.2.2). Our replies carry their own (5.7.1 for relaying, 4.5.3 for too
 * many recipients), so when a reply text already starts with one, the library must not add another.
 */
export function keepExplicitEnhancedStatus(): void {
  if (installed) return;
  installed = true;
  const prototype = SMTPConnection.prototype as unknown as { send: Send };
  const original = prototype.send;
  prototype.send = function send(this: unknown, code, data, context) {
    const explicit = typeof data === 'string' && LEADING_STATUS.test(data);
    return original.call(this, code, data, explicit ? false : context);
  };
}
