import { describe, expect, it } from 'vitest';
import { Pace } from '../../src/smtp/pace.js';

const LIMITS = { commandTimeoutMs: 1000, dataTimeoutMs: 60_000, minDataRate: 100, sessionLifetimeMs: 600_000 };
const bytes = (text: string) => Buffer.from(text, 'latin1');

describe('Pace: deadlines no trickled byte extends', () => {
  it('gives a command line one command timeout from its first byte, however often bytes come', () => {
    const pace = new Pace(LIMITS, 0);
    expect(pace.due()).toEqual({ at: 600_000, overrun: 'lifetime' });
    pace.received(bytes('E'), 10);
    for (let t = 20; t < 900; t += 10) pace.received(bytes('x'), t);
    expect(pace.due()).toEqual({ at: 1010, overrun: 'command' });
    pace.received(bytes('\r\nNO'), 950);
    expect(pace.due()).toEqual({ at: 1950, overrun: 'command' });
    pace.received(bytes('OP\r\n'), 960);
    expect(pace.due()).toEqual({ at: 600_000, overrun: 'lifetime' });
  });

  it('waits for the TLS handshake after STARTTLS, even when the line came in pieces', () => {
    const pace = new Pace(LIMITS, 0);
    pace.received(bytes('STAR'), 5);
    pace.received(bytes('TTLS\r\n'), 6);
    expect(pace.due()).toEqual({ at: 1006, overrun: 'handshake' });
    pace.handshakeDone();
    expect(pace.due()?.overrun).toBe('lifetime');
    pace.received(bytes('starttls\r\n'), 10);
    // Plaintext again: the server refused the upgrade, no handshake is coming.
    pace.received(bytes('QUIT\r\n'), 20);
    expect(pace.due()?.overrun).toBe('lifetime');
  });

  it('holds DATA to the minimum rate after a command timeout of grace, and to the data timeout', () => {
    const pace = new Pace(LIMITS, 0);
    pace.dataStarted(1000);
    expect(pace.due()).toEqual({ at: 2000, overrun: 'rate' });
    pace.received(Buffer.alloc(500), 1500);
    // 500 bytes at 100 bytes/s buy five more seconds.
    expect(pace.due()).toEqual({ at: 7000, overrun: 'rate' });
    pace.received(Buffer.alloc(1_000_000), 2000);
    expect(pace.due()).toEqual({ at: 61_000, overrun: 'data' });
  });

  it('never runs out while the client waits for our answer', () => {
    const pace = new Pace({ ...LIMITS, sessionLifetimeMs: 100 }, 0);
    pace.dataStarted(10);
    pace.dataEnded();
    expect(pace.due()).toBeUndefined();
    pace.answered();
    expect(pace.due()).toEqual({ at: 100, overrun: 'lifetime' });
  });
});
