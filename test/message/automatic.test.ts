import { describe, expect, it } from 'vitest';
import { automaticSignal, isSystemSender } from '../../src/message/automatic.js';

const headers = (fields: Record<string, string>) => Object.entries(fields).map(([name, value]) => ({ name, value }));

describe('one rule set for machine-written mail (receiver and notice gate)', () => {
  it("follows GitLab exactly: anything but 'no' in Auto-Submitted, case included", () => {
    expect(automaticSignal(headers({ 'Auto-Submitted': 'No' }))).toEqual({
      gitlabRule: true,
      reason: 'Auto-Submitted: No',
    });
    expect(automaticSignal(headers({ 'Auto-Submitted': 'no' }))).toBeNull();
    expect(automaticSignal(headers({ 'X-Autoreply': 'yes' }))).toEqual({
      gitlabRule: true,
      reason: 'X-Autoreply: yes',
    });
  });

  it('catches what GitLab misses: vacation replies, bulk mail, reports, null Return-Path', () => {
    for (const fields of <Record<string, string>[]>[
      { 'X-Apple-Action': 'VACATION' },
      { 'X-Autorespond': 'Out of office' },
      { Precedence: 'auto_reply' },
      { 'X-Auto-Response-Suppress': 'DR, OOF, AutoReply' },
      { 'Content-Type': 'multipart/report; report-type=delivery-status' },
      { 'Return-Path': '<>' },
    ]) {
      expect(automaticSignal(headers(fields)), JSON.stringify(fields)).toMatchObject({ gitlabRule: false });
    }
  });

  it("lets an explicit 'Auto-Submitted: no' outweigh soft hints, not hard ones", () => {
    expect(automaticSignal(headers({ 'Auto-Submitted': 'no', Precedence: 'bulk' }))).toBeNull();
    expect(automaticSignal(headers({ 'Auto-Submitted': 'no', 'Return-Path': '<>' }))).toMatchObject({
      reason: 'null Return-Path',
    });
  });

  it('counts an X-Loop naming us, or any X-Loop when no host is given', () => {
    const list = headers({ 'X-Loop': 'announce@lists.example.org' });
    expect(automaticSignal(list, { loopHost: 'postroom.test' })).toBeNull();
    expect(automaticSignal(list)).toMatchObject({ reason: 'X-Loop: announce@lists.example.org' });
    expect(automaticSignal(headers({ 'X-Loop': 'gitlab@postroom.test' }), { loopHost: 'postroom.test' })).toMatchObject(
      { gitlabRule: false },
    );
  });

  it('knows mailboxes run by software', () => {
    for (const address of [
      'MAILER-DAEMON@mx.example.net',
      'postmaster@example.org',
      'no-reply@example.net',
      'owner-list@example.org',
      'list-bounces+x@example.org',
    ]) {
      expect(isSystemSender(address), address).toBe(true);
    }
    expect(isSystemSender('finn@example.com')).toBe(false);
  });
});
