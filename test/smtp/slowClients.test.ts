import { afterEach, describe, expect, it } from 'vitest';
import { SmtpTalk, type Reply } from '../helpers/smtpTalk.js';
import { startTestPostroom, type TestPostroom } from '../helpers/postroom.js';

// Issue 9's attack, scaled down: every slot held by a client that sends one byte at a time,
// each byte well inside the idle timeout. The deadlines are scaled with it.
const SLOTS = 8;
const BYTE_EVERY_MS = 100;
const LIMITS = `  max_clients: ${SLOTS}
  socket_timeout: 60
  command_timeout: 500ms
  data_timeout: 1s
  min_data_rate: 1KB
  session_lifetime: 20s
  max_connections_per_ip: 3`;
const TO = 'incoming+b7-0123456789abcdefghijklmno@postroom.test';

let postroom: TestPostroom | undefined;
const attackers: Attacker[] = [];
afterEach(async () => {
  for (const attacker of attackers.splice(0)) attacker.stop();
  await postroom?.cleanup();
  postroom = undefined;
});

/** A client that says `opening` at once, then trickles `trickle` one byte at a time, over and over. */
class Attacker {
  refusals: Reply[] = [];
  private timer: NodeJS.Timeout | undefined;

  private constructor(readonly talk: SmtpTalk) {}

  static async start(port: number, address: string, opening: string[], trickle: string): Promise<Attacker> {
    const talk = await SmtpTalk.connect(port, '127.0.0.1', address);
    const attacker = new Attacker(talk);
    attackers.push(attacker);
    const greeting = await talk.read();
    if (greeting.code !== 220) {
      attacker.refusals.push(greeting);
      return attacker;
    }
    for (const line of opening) await talk.command(line);
    let at = 0;
    attacker.timer = setInterval(() => {
      if (talk.closed) return attacker.stop();
      talk.write(trickle[at++ % trickle.length]);
    }, BYTE_EVERY_MS);
    return attacker;
  }

  stop(): void {
    clearInterval(this.timer);
    this.talk.close();
  }
}

/** An ordinary client: it tries again when turned away, as a sending MTA would (only sooner). */
async function honestDelivery(port: number): Promise<Reply> {
  for (;;) {
    const talk = await SmtpTalk.connect(port, '127.0.0.1', '127.0.0.1');
    try {
      if ((await talk.read()).code === 220) {
        await talk.command('EHLO honest.test');
        await talk.command('MAIL FROM:<honest@example.com>');
        await talk.command(`RCPT TO:<${TO}>`);
        const go = await talk.command('DATA');
        if (go.code === 354) return await talk.command('Subject: hello\r\n\r\nStill here.\r\n.');
      }
    } catch {
      // Turned away mid-way: try again.
    } finally {
      talk.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const SHAPES: { name: string; opening: string[]; trickle: string }[] = [
  { name: 'of a command line', opening: [], trickle: `EHLO ${'x'.repeat(200)}\r\n` },
  { name: 'of NOOPs', opening: ['EHLO slow.test'], trickle: 'NOOP\r\n' },
  {
    name: 'of DATA',
    opening: ['EHLO slow.test', 'MAIL FROM:<slow@example.com>', `RCPT TO:<${TO}>`, 'DATA'],
    trickle: 'Subject: slow\r\n\r\n' + 'x'.repeat(500) + '\r\n',
  },
];

describe('slow clients cannot hold the front door', () => {
  for (const shape of SHAPES) {
    it(`an honest client gets 250 while every slot trickles bytes ${shape.name}`, async () => {
      postroom = await startTestPostroom(LIMITS);
      const port = postroom.port;
      // One connection per address, so only the deadlines (not the per-address cap) can free a slot.
      await Promise.all(
        Array.from({ length: SLOTS }, (_, i) => Attacker.start(port, `127.0.1.${i + 1}`, shape.opening, shape.trickle)),
      );
      const reply = await honestDelivery(port);
      expect(reply.code).toBe(250);
      expect(reply.text).toMatch(/queued as/);
    }, 30_000);
  }

  it('one address cannot take every slot', async () => {
    postroom = await startTestPostroom(LIMITS.replace('command_timeout: 500ms', 'command_timeout: 1h'));
    const port = postroom.port;
    const crowd = await Promise.all(
      Array.from({ length: SLOTS }, () => Attacker.start(port, '127.0.2.1', [], 'EHLO slow.test\r\n')),
    );
    const turnedAway = crowd.flatMap((attacker) => attacker.refusals);
    expect(turnedAway.length).toBe(SLOTS - 3);
    expect(turnedAway.every((reply) => reply.code === 421 && /^4\.7\.0 /.test(reply.text))).toBe(true);
    const reply = await honestDelivery(port);
    expect(reply.code).toBe(250);
  }, 30_000);
});
