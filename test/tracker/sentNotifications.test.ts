import { afterEach, describe, expect, it } from 'vitest';
import { parseReplyKey } from '../../src/address/index.js';
import { TrackerSink, issueAsNoteable, mergeRequestAsNoteable } from '../../src/tracker/index.js';
import { makeWorld, must, type World } from './world.js';

const DAY = 24 * 60 * 60 * 1000;
let world: World;
afterEach(() => world.cleanup());

/** A world whose clock the test moves. */
async function clockedWorld(): Promise<{ advance: (ms: number) => void }> {
  let now = Date.UTC(2025, 0, 1);
  world = await makeWorld({ now: () => now });
  return { advance: (ms) => (now += ms) };
}

function anIssue() {
  const { tracker, jake, project } = world;
  const created = must(tracker.createIssue({ project, author: jake, title: 'An issue', description: '' }));
  return issueAsNoteable(tracker.issueById(created.id)!);
}

describe('sent notifications', () => {
  it('records a partitioned reply key, <partition>-<25 base36>-<namespace>, and finds the notification by it', async () => {
    await clockedWorld();
    const { tracker, developer, project } = world;
    const noteable = anIssue();
    const key = tracker.recordSentNotification({
      recipient: developer,
      project,
      noteable,
      discussionId: 'a'.repeat(40),
    });
    const parsed = parseReplyKey(key);
    expect(parsed).toMatchObject({ form: 'partitioned', partition: 1, namespace: project.id.toString(36) });

    const found = await new TrackerSink(world.tracker).sentNotification(key);
    expect(found).toEqual({
      replyKey: key,
      recipient: developer,
      project,
      noteable,
      discussionId: 'a'.repeat(40),
      unsubscribable: true,
    });
  });

  it('generates a different key for every notification', async () => {
    await clockedWorld();
    const noteable = anIssue();
    const keys = new Set(
      Array.from({ length: 20 }, () =>
        world.tracker.recordSentNotification({ recipient: world.jake, project: world.project, noteable }),
      ),
    );
    expect(keys.size).toBe(20);
  });

  it('finds a key whose partition prefix is wrong by looking across all partitions', async () => {
    await clockedWorld();
    const key = world.tracker.recordSentNotification({
      recipient: world.jake,
      project: world.project,
      noteable: anIssue(),
    });
    const elsewhere = key.replace(/^1-/, 'z-');
    expect(world.tracker.sentNotification(elsewhere)?.recipient.id).toBe(world.jake.id);
  });

  it('starts a new partition after two months, and keys from the older one still work', async () => {
    const clock = await clockedWorld();
    const noteable = anIssue();
    const early = world.tracker.recordSentNotification({ recipient: world.jake, project: world.project, noteable });
    clock.advance(62 * DAY);
    const later = world.tracker.recordSentNotification({ recipient: world.jake, project: world.project, noteable });
    expect(early.startsWith('1-')).toBe(true);
    expect(later.startsWith('2-')).toBe(true);
    expect(world.tracker.sentNotification(early)).not.toBeNull();
    expect(world.tracker.sentNotification(later)).not.toBeNull();
  });

  it('forgets keys in a partition whose newest row is two years old (GitLab detaches it)', async () => {
    const clock = await clockedWorld();
    const noteable = anIssue();
    const old = world.tracker.recordSentNotification({ recipient: world.jake, project: world.project, noteable });
    clock.advance(700 * DAY);
    expect(world.tracker.sentNotification(old)).not.toBeNull();
    clock.advance(40 * DAY);
    expect(world.tracker.sentNotification(old)).toBeNull();
  });

  it('stores and still accepts legacy 32-hex keys', async () => {
    await clockedWorld();
    const legacy = '59d8df8370b7e95c5a49fbf86aeb2c93';
    const noteable = anIssue();
    expect(
      world.tracker.recordSentNotification({
        recipient: world.jake,
        project: world.project,
        noteable,
        legacyReplyKey: legacy,
      }),
    ).toBe(legacy);
    const found = world.tracker.sentNotification(legacy);
    expect(found?.replyKey).toBe(legacy);
    expect(found?.noteable?.id).toBe(noteable.id);
    expect(() =>
      world.tracker.recordSentNotification({ recipient: world.jake, project: null, noteable, legacyReplyKey: 'XYZ' }),
    ).toThrow(RangeError);
  });

  it('answers nothing for an unknown key, text that is no key, or a key that matches two rows', async () => {
    await clockedWorld();
    const noteable = anIssue();
    const legacy = '1234567890abcdef1234567890abcdef';
    world.tracker.recordSentNotification({
      recipient: world.jake,
      project: world.project,
      noteable,
      legacyReplyKey: legacy,
    });
    world.tracker.recordSentNotification({
      recipient: world.developer,
      project: world.project,
      noteable,
      legacyReplyKey: legacy,
    });
    expect(world.tracker.sentNotification(legacy)).toBeNull();
    expect(world.tracker.sentNotification('ffffffffffffffffffffffffffffffff')).toBeNull();
    expect(world.tracker.sentNotification('not a key')).toBeNull();
    expect(world.tracker.sentNotification(`1-${'0'.repeat(25)}-1`)).toBeNull();
  });

  it('keeps the notification when its noteable is deleted, with no noteable', async () => {
    await clockedWorld();
    const noteable = anIssue();
    const key = world.tracker.recordSentNotification({ recipient: world.jake, project: world.project, noteable });
    world.tracker.deleteIssue(noteable);
    expect(world.tracker.sentNotification(key)).toMatchObject({ noteable: null, project: world.project });
  });

  it('notifications about merge requests are unsubscribable too', async () => {
    await clockedWorld();
    const mr = await world.tracker.createMergeRequest({
      project: world.project,
      author: world.jake,
      sourceBranch: 'feature',
      description: '',
      patches: [],
    });
    if (!('saved' in mr) || !mr.saved) throw new Error('no merge request');
    const noteable = mergeRequestAsNoteable(world.tracker.mergeRequestById(mr.record.id)!);
    const key = world.tracker.recordSentNotification({ recipient: world.jake, project: world.project, noteable });
    expect(world.tracker.sentNotification(key)).toMatchObject({
      unsubscribable: true,
      noteable: { type: 'MergeRequest' },
    });
  });
});

describe('unsubscribe through the Sink', () => {
  it('unsubscribes the recipient from the noteable, and staying unsubscribed is fine', async () => {
    await clockedWorld();
    const sink = new TrackerSink(world.tracker);
    const noteable = anIssue();
    world.tracker.subscribe(world.developer, noteable);
    expect(world.tracker.subscribers(noteable).map((u) => u.username)).toEqual(['jake', 'developer']);
    const key = world.tracker.recordSentNotification({ recipient: world.developer, project: world.project, noteable });
    const notification = (await sink.sentNotification(key))!;
    await sink.unsubscribe(notification);
    await sink.unsubscribe(notification);
    expect(world.tracker.subscription(world.developer, noteable)).toBe(false);
    expect(world.tracker.subscribers(noteable).map((u) => u.username)).toEqual(['jake']);
  });
});
