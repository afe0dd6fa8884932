export { loadConfig, parseConfigText, CONFIG_ENV, type LoadOptions } from './load.js';
export { parseConfig } from './schema.js';
export { ConfigErrors } from './reader.js';
export type * from './types.js';
export type { SearchKey } from './searchCommand.js';
export { importGitlabRb, importedConfigText, type ImportedConfig } from './gitlabRb.js';
