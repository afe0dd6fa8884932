import { describe, expect, it } from 'vitest';
import { buildMailKey, generateReplyKey, parseMailKey } from '../../src/address/index.js';

const project = { id: 42, slug: 'treehouse-adventure' };
const token = 'glimt-0123456789abcdefghijklmno';

describe('built keys parse back to their own kind', () => {
  it('new issue, new merge request and comment on an issue', () => {
    expect(parseMailKey(buildMailKey.newIssue(project, token), { mailbox: 'incoming' })).toMatchObject({
      kind: 'newIssue',
      project: { by: 'id', id: 42, slug: project.slug },
      token,
    });
    expect(parseMailKey(buildMailKey.newMergeRequest(project, token), { mailbox: 'incoming' })).toMatchObject({
      kind: 'newMergeRequest',
      token,
    });
    expect(parseMailKey(buildMailKey.noteOnIssue(project, token, 7), { mailbox: 'incoming' })).toMatchObject({
      kind: 'noteOnIssue',
      issueIid: 7,
      token,
    });
  });

  it('Service Desk, with and without a project key', () => {
    expect(parseMailKey(buildMailKey.serviceDesk(project), { mailbox: 'incoming' })).toMatchObject({
      kind: 'serviceDesk',
      project: { by: 'id', id: 42 },
    });
    expect(parseMailKey(buildMailKey.serviceDesk(project, 'support_team'), { mailbox: 'serviceDesk' })).toMatchObject({
      kind: 'serviceDesk',
      project: { by: 'serviceDeskKey', slug: project.slug, projectKey: 'support_team' },
    });
  });

  it('unsubscribe', () => {
    const replyKey = generateReplyKey({ partition: 3, namespaceId: 42 });
    expect(parseMailKey(buildMailKey.unsubscribe(replyKey), { mailbox: 'incoming' })).toMatchObject({
      kind: 'unsubscribe',
      legacySuffix: false,
    });
  });
});
