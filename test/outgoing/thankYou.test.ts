import { afterEach, describe, expect, it } from 'vitest';
import type { Project } from '../../src/handlers/sink.js';
import { waitFor } from '../helpers/waitFor.js';
import { must } from '../tracker/world.js';
import { fanoutWorld, type FanoutWorld } from './fanoutWorld.js';

let w: FanoutWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

async function ticketFrom(world: FanoutWorld, customer: string): Promise<number> {
  must(world.tracker.configureServiceDesk(world.project, { enabled: true }));
  const project = world.tracker.projectById(world.project.id) as Project;
  const { id } = must(
    world.tracker.createIssue({
      project,
      author: world.tracker.supportBot(),
      title: 'Printer on fire',
      description: 'Please help.',
      externalAuthor: customer,
    }),
  );
  world.tracker.requestServiceDeskThankYou(world.issue(id), customer);
  return id;
}

const thanked = (world: FanoutWorld, id: number) =>
  (world.tracker.db.prepare('SELECT thank_you_sent AS sent FROM issues WHERE id = ?').get(id) as { sent: number })
    .sent === 1;

describe('the Service Desk thank-you', () => {
  it('counts as sent only once the relay said 250, not while it defers the mail', async () => {
    let deferring = true;
    w = await fanoutWorld({
      answer: (envelope) =>
        deferring && envelope.to.includes('customer@example.org') ? { code: 451, message: '4.7.1 greylisted' } : null,
    });
    const id = await ticketFrom(w, 'customer@example.org');
    await w.delivered();
    const [thanks] = w.outbox.forEntity('Issue', id).filter((mail) => mail.thankYouFor === id);
    expect(thanks).toMatchObject({ state: 'retry', lastError: expect.stringContaining('451 4.7.1 greylisted') });
    expect(thanked(w, id)).toBe(false);

    deferring = false;
    await waitFor(() => thanked(w!, id), 5000, 'the thank-you recorded as sent');
    expect(w.outbox.get(thanks.id)).toMatchObject({ state: 'sent', response: expect.stringMatching(/^250 /) });
    expect(w.outbox.get(thanks.id)!.attempts).toBeGreaterThanOrEqual(2);
    expect(w.relay.messages.filter((mail) => mail.envelope.to.includes('customer@example.org'))).toHaveLength(1);
  });

  it('is not sent to a system mailbox (the ticket stands)', async () => {
    w = await fanoutWorld();
    const id = await ticketFrom(w, 'no-reply@shop.example.com');
    await w.delivered();
    expect(w.outbox.forEntity('Issue', id).some((mail) => mail.thankYouFor === id)).toBe(false);
    expect(w.tracker.issueById(id)?.externalAuthor).toBe('no-reply@shop.example.com');
  });
});
