import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project } from '../../src/handlers/sink.js';
import { fixture, HOST, must, rewrite, startConformance, type Conformance } from '../conformance/harness.js';

let c: Conformance;
let project: Project;

beforeAll(async () => {
  c = await startConformance();
  const jake = must(
    c.tracker.createUser({
      username: 'jake',
      name: 'Jake the Dog',
      email: 'jake@adventuretime.ooo',
      incomingEmailToken: 'auth_token',
    }),
  );
  project = must(await c.tracker.createProject({ fullPath: 'gitlabhq/no-repository', visibility: 'public' }));
  c.tracker.addMember(project, jake, 'developer');
});
afterAll(async () => {
  await c?.stop();
});

describe('a merge request by email to a project without a repository', () => {
  it('is rejected as an invalid attachment, creates nothing, and the sender is told why', async () => {
    const address = `incoming+gitlabhq-no-repository-${project.id}-auth_token-merge-request@${HOST}`;
    const delivered = await c.send(
      rewrite(fixture('valid_merge_request_with_patch.eml'), { projectId: project.id }),
      address,
    );
    expect(delivered.entry.outcome).toMatchObject({
      state: 'rejected',
      error: 'InvalidAttachment',
      message:
        'Could not apply patches to new-branch-with-a-patch:\ngitlabhq/no-repository has no repository to apply patches to',
    });
    expect(c.tracker.mergeRequests(project)).toEqual([]);
    expect(delivered.notice?.text).toContain('gitlabhq/no-repository has no repository to apply patches to');
  });
});
