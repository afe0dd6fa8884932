import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project } from '../../src/handlers/sink.js';
import { issueAsNoteable } from '../../src/tracker/index.js';
import { HOST, must, startConformance, type Conformance } from '../conformance/harness.js';

const BOUNCES = 'test/fixtures/sisimai/maildir/bsd';
// Messages in flight at once: the corpus takes minutes one by one.
const BATCH = 32;

let c: Conformance;
let project: Project;
let replyKey: string;

beforeAll(async () => {
  c = await startConformance();
  const jake = must(
    c.tracker.createUser({ username: 'jake', email: 'jake@adventuretime.ooo', incomingEmailToken: 'auth_token' }),
  );
  project = must(await c.tracker.createProject({ fullPath: 'team/desk', visibility: 'public' }));
  c.tracker.addMember(project, jake, 'developer');
  must(c.tracker.configureServiceDesk(project, { enabled: true }));
  const issue = must(c.tracker.createIssue({ project, author: jake, title: 'Existing', description: '' }));
  replyKey = c.tracker.recordSentNotification({
    recipient: jake,
    project,
    noteable: issueAsNoteable(c.tracker.issueById(issue.id)!),
  });
});
afterAll(async () => {
  await c?.stop();
});

describe('bounces and auto-replies (the sisimai corpus) sent to our live addresses', () => {
  it('create no issue, note or ticket, and get no mail in answer', async () => {
    const addresses = [
      `incoming+${project.slug}-${project.id}-auth_token-issue@${HOST}`,
      `contact+${project.slug}-${project.id}-issue-@${HOST}`,
      `incoming+${replyKey}@${HOST}`,
    ];
    const files = readdirSync(BOUNCES);
    expect(files.length).toBeGreaterThan(600);
    const states: Record<string, number> = {};
    const deliver = async (name: string, index: number) => {
      const raw = readFileSync(path.join(BOUNCES, name), 'latin1').replace(/\r\n?/g, '\n');
      // As a bounce arrives: from the null sender (RFC 5321 §4.5.5).
      const delivered = await c.send(raw, addresses[index % addresses.length], { mailFrom: '' });
      const state = delivered.entry.outcome?.state ?? 'none';
      states[state] = (states[state] ?? 0) + 1;
    };
    for (let start = 0; start < files.length; start += BATCH) {
      await Promise.all(files.slice(start, start + BATCH).map((name, offset) => deliver(name, start + offset)));
    }
    expect(states).toEqual({ ignored: files.length });
    expect(c.tracker.issues(project).map((issue) => issue.title)).toEqual(['Existing']);
    expect(c.tracker.notes(issueAsNoteable(c.tracker.issues(project)[0]))).toEqual([]);
    expect(c.relay.messages).toEqual([]);
  }, 120_000);
});
