import { CONFIG_ENV } from '../config/index.js';
import type { ParsedArgs } from './args.js';

export const DEFAULT_CONFIG = 'config/postroom.yml';

/** --config wins, then POSTROOM_CONFIG, then the sample config beside the project. */
export function configPath(args: ParsedArgs, env = process.env): string {
  const flag = args.flags.get('config');
  if (typeof flag === 'string') return flag;
  return env[CONFIG_ENV] || DEFAULT_CONFIG;
}
