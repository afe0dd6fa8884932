import type { KeyDirectory } from '../smtp/keyDirectory.js';
import type { Tracker } from './tracker.js';

/**
 * RCPT TO's exact check against the embedded tracker (see liveKeys.ts). The connection is the
 * check's alone and only reads, so every change to the tracker is another connection's commit,
 * which the file's data_version tells.
 */
export function trackerKeyDirectory(tracker: Tracker): KeyDirectory {
  return { knows: (target) => tracker.knowsTarget(target), version: () => tracker.dataVersion() };
}
