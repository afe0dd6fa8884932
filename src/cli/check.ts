import { ConfigErrors, loadConfig } from '../config/index.js';
import { runChecks, type CheckStatus } from '../check/index.js';
import type { ParsedArgs } from './args.js';
import { configPath } from './configPath.js';

const LABEL: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL', skip: 'skip' };

/** `postroom check`: one line per check; exit 0 only when nothing failed. */
export async function check(args: ParsedArgs): Promise<void> {
  const file = configPath(args);
  let config;
  try {
    config = loadConfig(file);
  } catch (error) {
    if (!(error instanceof ConfigErrors)) throw error;
    process.stdout.write(`${LABEL.fail} config: ${file}\n${error.problems.map((p) => `       ${p}`).join('\n')}\n`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`${LABEL.ok} config: ${file} is valid\n`);
  const results = await runChecks(config);
  for (const result of results) process.stdout.write(`${LABEL[result.status]} ${result.name}: ${result.detail}\n`);
  if (results.some((r) => r.status === 'fail')) process.exitCode = 1;
}
