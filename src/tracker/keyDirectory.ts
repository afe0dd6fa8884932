import type { KeyDirectory } from '../smtp/keyDirectory.js';
import type { Tracker } from './tracker.js';

/** RCPT TO's exact check against the embedded tracker (see liveKeys.ts). */
export function trackerKeyDirectory(tracker: Tracker): KeyDirectory {
  return { knows: (target) => tracker.knowsTarget(target) };
}
