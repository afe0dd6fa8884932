export { loadConfig, parseConfigText, CONFIG_ENV } from './load.js';
export { parseConfig } from './schema.js';
export { ConfigErrors } from './reader.js';
export type * from './types.js';
