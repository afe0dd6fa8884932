import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { parseConfigText, type PostroomConfig } from '../../src/config/index.js';
import { startPostroom, type RunningPostroom } from '../../src/wiring/postroom.js';

export function tempDir(prefix = 'postroom-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A test config: the sample's addresses, an ephemeral port and a private spool file. */
export function testConfigText(dir: string, smtpExtra = ''): string {
  return `
host: postroom.test
incoming_email:
  enabled: true
  address: "incoming+%{key}@postroom.test"
service_desk_email:
  enabled: true
  address: "contact+%{key}@postroom.test"
smtp:
  listen: 127.0.0.1:0
  hostname: postroom.test
  max_message_size: 1MB
  max_recipients: 5
  # These tests are about the SMTP layer and use keys no tracker knows; test/smtp/exactRecipients
  # covers the tracker-backed check.
  verify_keys: false
${smtpExtra}
${privateFilesText(dir)}`;
}

/** The sections every test config shares: files in `dir`, no outgoing mail, no log output. */
export function privateFilesText(dir: string): string {
  return `store:
  path: ${path.join(dir, 'spool.db')}
tracker:
  path: ${path.join(dir, 'tracker.db')}
outgoing:
  enabled: false
log:
  level: silent
`;
}

export interface TestPostroom extends RunningPostroom {
  config: PostroomConfig;
  dir: string;
  port: number;
  cleanup(): Promise<void>;
}

export async function startTestPostroom(smtpExtra = '', configText?: (dir: string) => string): Promise<TestPostroom> {
  const { dir, cleanup } = tempDir();
  const config = parseConfigText(configText ? configText(dir) : testConfigText(dir, smtpExtra), 'test.yml', {});
  const running = await startPostroom(config, pino({ level: 'silent' }), { certDir: path.join(dir, 'certs') });
  return {
    ...running,
    config,
    dir,
    port: running.smtp?.port ?? 0,
    async cleanup() {
      await running.stop();
      cleanup();
    },
  };
}
