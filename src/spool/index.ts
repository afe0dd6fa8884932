export { Spool } from './spool.js';
export type * from './types.js';
