import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { withEncryptedCredentials } from './encryptedCredentials.js';
import { ConfigErrors, type Json } from './reader.js';
import { parseConfig } from './schema.js';
import type { PostroomConfig } from './types.js';

export const CONFIG_ENV = 'POSTROOM_CONFIG';
// POSTROOM__SMTP__LISTEN=0.0.0.0:25 overrides smtp.listen; the double underscore separates
// levels because single underscores occur inside key names (service_desk_email).
const OVERRIDE_PREFIX = 'POSTROOM__';

export type Env = Record<string, string | undefined>;

export interface LoadOptions {
  /** Fill missing mailbox credentials from encrypted files (default). `postroom secret` turns it off to repair a broken file. */
  encryptedCredentials?: boolean;
}

/** Reads, interpolates and validates a config file. Relative paths resolve against the working directory. */
export function loadConfig(file: string, env: Env = process.env, options: LoadOptions = {}): PostroomConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigErrors([
      `${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    ]);
  }
  return parseConfigText(text, file, env, options);
}

export function parseConfigText(
  text: string,
  source: string,
  env: Env = process.env,
  options: LoadOptions = {},
): PostroomConfig {
  let document: Json;
  try {
    document = (parseYaml(text, { prettyErrors: true }) ?? {}) as Json;
  } catch (error) {
    const detail = error instanceof YAMLParseError ? error.message : String(error);
    throw new ConfigErrors([`${source}: not valid YAML: ${detail}`]);
  }
  const problems: string[] = [];
  const interpolated = interpolate(applyOverrides(document, env, problems), env, '', problems);
  if (problems.length > 0) throw new ConfigErrors(problems);
  const config = parseConfig(interpolated, { source });
  return options.encryptedCredentials === false ? config : withEncryptedCredentials(config, env);
}

/** `${NAME}` inside any string takes the environment variable NAME: how secrets stay out of the file. */
function interpolate(value: Json, env: Env, at: string, problems: string[]): Json {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_whole, name: string) => {
      const found = env[name];
      if (found === undefined) problems.push(`${at || '(top level)'}: environment variable ${name} is not set`);
      return found ?? '';
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => interpolate(item, env, `${at}[${i}]`, problems));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolate(item, env, at ? `${at}.${key}` : key, problems)]),
    );
  }
  return value;
}

function applyOverrides(document: Json, env: Env, problems: string[]): Json {
  const root: { [key: string]: Json } =
    document && typeof document === 'object' && !Array.isArray(document) ? structuredClone(document) : {};
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(OVERRIDE_PREFIX) || raw === undefined) continue;
    const keys = name.slice(OVERRIDE_PREFIX.length).toLowerCase().split('__');
    let node = root;
    for (const key of keys.slice(0, -1)) {
      const next = node[key];
      if (next === undefined || next === null) node[key] = {};
      else if (typeof next !== 'object' || Array.isArray(next)) {
        problems.push(`${name}: ${keys.join('.')} cannot be set because ${key} is not a section`);
        node = {};
        continue;
      }
      node = node[key] as { [key: string]: Json };
    }
    node[keys[keys.length - 1]] = parseYaml(raw) as Json;
  }
  return root;
}
