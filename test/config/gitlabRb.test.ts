import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { importedConfigText, importGitlabRb, parseConfigText } from '../../src/config/index.js';

const FIXTURE = 'test/fixtures/gitlab-rb/gitlab.rb';

describe("postroom config import: Omnibus's gitlab.rb", () => {
  it("maps gitlab_rails['incoming_email_*'] and ['service_desk_email_*'] to the gitlab.yml keys", () => {
    const { document, notes } = importGitlabRb(readFileSync(FIXTURE, 'utf8'));
    expect(document).toEqual({
      host: 'gitlab.example.com',
      incoming_email: {
        enabled: true,
        address: 'incoming+%{key}@incoming.example.com',
        user: 'incoming@incoming.example.com',
        password: '${INCOMING_PASSWORD}',
        host: 'outlook.office365.com',
        port: 993,
        ssl: true,
        start_tls: false,
        mailbox: 'inbox',
        idle_timeout: 60,
        log_path: '/var/log/gitlab/mailroom/mail_room_json.log',
        expunge_deleted: true,
        delivery_method: 'webhook',
        gitlab_url: 'https://gitlab.example.com',
      },
      service_desk_email: {
        enabled: true,
        address: 'contact+%{key}@incoming.example.com',
        user: 'contact@incoming.example.com',
        mailbox: 'inbox',
        inbox_method: 'microsoft_graph',
        inbox_options: {
          tenant_id: '<YOUR-TENANT-ID>',
          client_id: '<YOUR-CLIENT-ID>',
          client_secret: '<YOUR-CLIENT-SECRET>',
          poll_interval: 60,
        },
        delete_after_delivery: false,
      },
      smtp: { enabled: false },
      sink: 'gitlab',
    });
    expect(notes).toEqual([
      expect.stringMatching(/^line 20: gitlab_rails\['incoming_email_auth_token'\] not converted: .*secret_file/),
      expect.stringMatching(/^line 35: gitlab_rails\['service_desk_email_idle_timout'\] not converted: not a key/),
      expect.stringMatching(/^line 36: .*secret_file'\] not converted: .*#\{\.\.\.\}, which is Ruby code/),
      expect.stringMatching(/^sink is gitlab: set incoming_email\.secret_file/),
    ]);
  });

  it('writes YAML that loads as a Postroom config, the notes on top as comments', () => {
    const text = importedConfigText(importGitlabRb(readFileSync(FIXTURE, 'utf8')), FIXTURE);
    expect(text.split('\n')[0]).toBe(`# Converted from ${FIXTURE} by postroom config import.`);
    expect(text).toContain("# NOTE: line 20: gitlab_rails['incoming_email_auth_token'] not converted");
    const config = parseConfigText(text, 'imported.yml', { INCOMING_PASSWORD: 'hunter2' });
    expect(config.incomingEmail).toMatchObject({ password: 'hunter2', ssl: true, expungeDeleted: true });
    expect(config.serviceDeskEmail).toMatchObject({ inboxMethod: 'microsoft_graph', deleteAfterDelivery: false });
    expect(config.smtp.enabled).toBe(false);
  });

  it('runs as a command: YAML on stdout, the notes on stderr', async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [
      'dist/src/cli/main.js',
      'config',
      'import',
      FIXTURE,
    ]);
    expect(stdout).toContain('  address: incoming+%{key}@incoming.example.com\n');
    expect(stderr).toMatch(/^note: line 20: /);
  });
});
