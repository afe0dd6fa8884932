import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileTemplate } from '../../src/address/index.js';
import type { Sink } from '../../src/handlers/index.js';
import { receiverProcessor, type RejectionNotices } from '../../src/receiver/processor.js';
import type { DeliveryEntry, StoredMessage } from '../../src/spool/index.js';

const MAILDIR = 'test/fixtures/sisimai/maildir';
const files = (function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? walk(file) : [file];
  });
})(MAILDIR);

// No bounce may ever reach a handler or make us send anything: both are tripwires here.
const untouchableSink = new Proxy({} as Sink, {
  get: (_target, name) => () => {
    throw new Error(`a bounce reached the sink (${String(name)})`);
  },
});
const sentNotices: string[] = [];
const recordingNotices: RejectionNotices = {
  async send({ mail }) {
    sentNotices.push(mail.from.join(','));
    return 'sent';
  },
};

const process = receiverProcessor(
  {
    templates: {
      incoming: compileTemplate('incoming+%{key}@postroom.test'),
      serviceDesk: compileTemplate('contact+%{key}@postroom.test'),
      gitlabHost: 'postroom.test',
    },
    sink: untouchableSink,
    textOf: () => {
      throw new Error('a bounce reached reply parsing');
    },
    isOwnAddress: (a) => a.endsWith('@postroom.test'),
    isKnownSender: async () => false,
    alreadyDone: () => undefined,
    senderPolicy: { identity: 'author', require: 'not_failed' },
  },
  recordingNotices,
);

function entry(source: StoredMessage['source'], mailFrom: string): StoredMessage {
  return {
    id: 1,
    source,
    sessionId: 's',
    tls: false,
    mailFrom,
    recipients: [],
    receivedAt: 0,
    size: 0,
    ownHeaderBytes: 0,
  };
}
const delivery: DeliveryEntry = {
  id: 1,
  message: 1,
  state: 'processing',
  attempts: 1,
  budgetFrom: 0,
  nextAttemptAt: 0,
};

describe('sisimai: real bounces, auto-replies and reports never cause mail from us', () => {
  it(`has the whole corpus (${files.length} messages)`, () => {
    expect(files.length).toBeGreaterThanOrEqual(600);
  });

  it('over SMTP (null envelope sender, as bounces arrive) every one is ignored', async () => {
    const states: Record<string, number> = {};
    for (const file of files) {
      const { outcome } = await process(entry('smtp', ''), delivery, readFileSync(file));
      states[outcome.state] = (states[outcome.state] ?? 0) + 1;
    }
    expect(states).toEqual({ ignored: files.length });
  });

  it('from a mailbox (no envelope) each is ignored, or rejected with no notice sent', async () => {
    const endings: Record<string, number> = {};
    for (const file of files) {
      const { outcome } = await process(entry('imap', ''), delivery, readFileSync(file));
      expect(['ignored', 'rejected'], file).toContain(outcome.state);
      if (outcome.state === 'rejected') expect(outcome.notice, file).toMatch(/^not sent: /);
      const ending = outcome.state === 'rejected' ? outcome.notice : outcome.state;
      endings[ending] = (endings[ending] ?? 0) + 1;
    }
    expect(sentNotices).toEqual([]);
    // What routing does not ignore fits no address of ours and comes from strangers.
    expect(Object.keys(endings).sort()).toEqual(['ignored', 'not sent: unknown mail from an unknown sender']);
  });
});
