export { Spool } from './spool.js';
export type * from './types.js';
export { WorkQueue } from './queue.js';
export type * from './outcome.js';
export { RefusalLog, recentRefusals, type RcptRefusal } from './refusals.js';
export { messagesInStates } from './reads.js';
