import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Spool } from '../../src/spool/index.js';

export interface CliResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** The built `postroom` command as a user runs it; a failing exit is a result, not an exception. */
export async function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [`${process.cwd()}/dist/src/cli/main.js`, ...args],
      options,
    );
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as CliResult;
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

/** One small message committed to a spool file, as SMTP would leave it; returns its id. */
export async function storeTestMessage(spoolFile: string, messageId: string): Promise<number> {
  const spool = Spool.open(spoolFile);
  try {
    const stored = await spool.store({
      source: 'smtp',
      sessionId: 's1',
      tls: false,
      mailFrom: 'jake@example.com',
      recipients: ['incoming+abc@postroom.test'],
      receivedAt: 1_700_000_000_000,
      messageId,
      chunks: [Buffer.from('Subject: x\r\n\r\nbody\r\n')],
      size: 21,
    });
    if (!stored.stored) throw new Error(`not stored: ${stored.reason}`);
    return stored.id;
  } finally {
    await spool.close();
  }
}
