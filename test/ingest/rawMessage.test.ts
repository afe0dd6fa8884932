import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/ingest/backoff.js';
import { imapFolderRef, imapSourceRef, uidValidityOf } from '../../src/ingest/imapSourceRef.js';
import { toIncomingMessage } from '../../src/ingest/rawMessage.js';

const from = { source: 'imap', sourceRef: 'r', mailbox: 'incoming', sessionId: 's', tls: false } as const;

describe('a fetched message in the spool’s shape', () => {
  it('takes the sender from Return-Path and the Message-ID from a folded header, and keeps the bytes', () => {
    const raw = Buffer.from(
      'Return-Path: <Jake@Example.com>\r\nMessage-ID:\r\n <abc@host>\r\nSubject: x\r\n\r\nReturn-Path: <body@example.com>\r\n',
    );
    expect(toIncomingMessage(raw, from, [])).toMatchObject({
      mailFrom: 'Jake@Example.com',
      messageId: '<abc@host>',
      recipients: [],
      size: raw.length,
      chunks: [raw],
    });
  });

  it("gives '' for the null sender and for a message without Return-Path", () => {
    expect(toIncomingMessage(Buffer.from('Return-Path: <>\r\n\r\nx'), from, []).mailFrom).toBe('');
    expect(toIncomingMessage(Buffer.from('Subject: x\r\n\r\nReturn-Path: <a@b>'), from, []).mailFrom).toBe('');
  });
});

describe('IMAP source refs', () => {
  it('name the UIDVALIDITY, and only refs of the same folder are read back', () => {
    const folder = imapFolderRef('gitlab@example.com', 'imap.example.com', 993, 'inbox');
    const ref = imapSourceRef(folder, 1795590845n, 7);
    expect(ref).toBe('imap:gitlab@example.com@imap.example.com:993/inbox/1795590845/7');
    expect(uidValidityOf(folder, ref)).toBe(1795590845n);
    expect(uidValidityOf(imapFolderRef('gitlab@example.com', 'imap.example.com', 993, 'in'), ref)).toBeUndefined();
  });
});

describe('reconnect back-off', () => {
  it('doubles up to the cap and jitters into the upper half', () => {
    const policy = { baseMs: 1000, maxMs: 60_000 };
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, policy, () => 1))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffDelay(3, policy, () => 0)).toBe(4000);
    expect(backoffDelay(50, policy, () => 1)).toBe(60_000);
  });
});
