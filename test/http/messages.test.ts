import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpWorld, type HttpWorld } from './httpWorld.js';

let world: HttpWorld;
let id: number;
beforeAll(async () => {
  world = await startHttpWorld();
  const stored = await world.spool.store({
    source: 'smtp',
    sessionId: 's1',
    tls: false,
    mailFrom: 'finn@example.com',
    recipients: ['incoming+abc@postroom.test'],
    receivedAt: 1_700_000_000_000,
    messageId: '<m1@example.com>',
    chunks: [Buffer.from('Subject: x\r\n\r\nbody\r\n')],
    size: 21,
  });
  if (!stored.stored) throw new Error(stored.reason);
  id = stored.id;
  world.spool.queue.settle(1_700_000_000_100, [], 1);
  world.spool.queue.settle(
    1_700_000_000_200,
    [
      {
        id: world.spool.deliveriesOf(id)[0].id,
        outcome: { state: 'dead', reason: 'no handler' },
        routing: { key: 'abc', keySource: 'envelope', handler: 'none' },
      },
    ],
    0,
  );
});
afterAll(() => world.cleanup());

describe('GET /api/messages/:id', () => {
  it('answers with the spool entry and every step taken', async () => {
    const answer = await world.call('GET', `/api/messages/${id}`);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      id,
      messageId: '<m1@example.com>',
      state: 'dead',
      key: 'abc',
      keySource: 'envelope',
      mailFrom: 'finn@example.com',
    });
    expect(answer.json.events.map((event: { kind: string }) => event.kind)).toEqual(['claimed', 'dead']);
  });

  it('answers 400 for an id that is not a spool id and 404 for an unknown one', async () => {
    expect((await world.call('GET', '/api/messages/%3Cm1%40example.com%3E')).status).toBe(400);
    expect((await world.call('GET', '/api/messages/999999')).json).toEqual({ message: '404 Message Not Found' });
  });
});
