import { isDeepStrictEqual } from 'node:util';
import { describe, it, expect } from 'vitest';
import { parseMailKey, type MailTarget, type ReplyKey } from '../../src/address/index.js';

// A second, deliberately naive reading of the grammar (spec §3.2) with backtracking regexes,
// used only on short keys: the linear parser must agree with it on every generated key.
const FULL_REPLY_KEY = '(?:([0-9a-f]{32})|([0-9a-z]{1,4})-([0-9a-z]{25})(?:-([0-9a-z]{1,13}))?)';
const RE = {
  reply: new RegExp(`^${FULL_REPLY_KEY}$`),
  unsubscribe: new RegExp(`^(${FULL_REPLY_KEY})-unsubscribe$`),
  unsubscribeLegacy: new RegExp(`^(${FULL_REPLY_KEY})\\+unsubscribe$`),
  issue: /^(.+)-(\d+)-(.+)-issue$/,
  issueLegacy: /^([^+]*)\+(.*)$/,
  note: /^(.+)-(\d+)-(.+)-issue-(\d+)$/,
  mr: /^(.+)-(\d+)-(.+)-merge-request$/,
  mrLegacy: /^([^+]*)\+merge-request\+(.*)/,
  sd: /^(.+)-(\d+)-issue-$/,
  projectKey: /^(.+)-([a-z0-9_]+)$/,
};

function replyKeyOf(m: RegExpExecArray, at: number, text: string): ReplyKey {
  if (m[at] !== undefined) return { form: 'legacy', text, key: m[at]! };
  return {
    form: 'partitioned',
    text,
    partition: parseInt(m[at + 1]!, 36),
    key: m[at + 2]!,
    namespace: m[at + 3] ?? null,
  };
}

function oracleServiceDesk(key: string, withProjectKey: boolean): MailTarget | null {
  const id = key.includes('/') ? null : RE.sd.exec(key);
  if (id) return { kind: 'serviceDesk', project: { by: 'id', slug: id[1]!, id: Number(id[2]) } };
  if (key.includes('/') && !key.includes('+')) return { kind: 'serviceDesk', project: { by: 'path', path: key } };
  const pk = withProjectKey ? RE.projectKey.exec(key) : null;
  return pk && { kind: 'serviceDesk', project: { by: 'serviceDeskKey', slug: pk[1]!, projectKey: pk[2]! } };
}

function oracle(key: string): MailTarget | null {
  let m = RE.reply.exec(key);
  if (m) return { kind: 'reply', replyKey: replyKeyOf(m, 1, key) };
  m = key.includes('/') ? null : RE.issue.exec(key);
  if (m) return { kind: 'newIssue', project: { by: 'id', slug: m[1]!, id: Number(m[2]) }, token: m[3]! };
  m = RE.issueLegacy.exec(key);
  if (m && !m[2]!.includes('+') && !key.includes('+unsubscribe')) {
    return { kind: 'newIssue', project: { by: 'path', path: m[1]! }, token: m[2]! };
  }
  m = RE.note.exec(key);
  if (m) {
    return {
      kind: 'noteOnIssue',
      project: { by: 'id', slug: m[1]!, id: Number(m[2]) },
      token: m[3]!,
      issueIid: Number(m[4]),
    };
  }
  for (const [re, legacySuffix] of [
    [RE.unsubscribe, false],
    [RE.unsubscribeLegacy, true],
  ] as const) {
    m = re.exec(key);
    if (m) return { kind: 'unsubscribe', replyKey: replyKeyOf(m, 2, m[1]!), legacySuffix };
  }
  m = key.includes('/') ? null : RE.mr.exec(key);
  if (m) return { kind: 'newMergeRequest', project: { by: 'id', slug: m[1]!, id: Number(m[2]) }, token: m[3]! };
  m = RE.mrLegacy.exec(key);
  if (m) return { kind: 'newMergeRequest', project: { by: 'path', path: m[1]! }, token: m[2]! };
  return oracleServiceDesk(key, false);
}

const PIECES = [
  'a',
  'b',
  'z',
  '0',
  '1',
  '7',
  '-',
  '-',
  '+',
  '/',
  '_',
  '-issue',
  '-issue-',
  'issue',
  '-merge-request',
  '+merge-request+',
  'merge-request',
  '-unsubscribe',
  '+unsubscribe',
  'unsubscribe',
  '59d8df8370b7e95c5a49fbf86aeb2c93',
  '1-0123456789abcdefghijklmno',
  '-k2',
  'A',
];

/** A small deterministic generator (mulberry32), so a failure names a reproducible key. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('parseMailKey agrees with a regex reading of the grammar', () => {
  const next = random(20_260_101);
  const keys = Array.from({ length: 20_000 }, () => {
    const count = 1 + Math.floor(next() * 8);
    return Array.from({ length: count }, () => PIECES[Math.floor(next() * PIECES.length)]).join('');
  });

  it('covers every kind of target', () => {
    const kinds = new Set(keys.map((key) => oracle(key)?.kind ?? 'none'));
    expect([...kinds].sort()).toEqual([
      'newIssue',
      'newMergeRequest',
      'none',
      'noteOnIssue',
      'reply',
      'serviceDesk',
      'unsubscribe',
    ]);
  });

  it('on the incoming mailbox', () => {
    const disagreements = keys.filter(
      (key) => !isDeepStrictEqual(parseMailKey(key, { mailbox: 'incoming' }), oracle(key)),
    );
    expect(disagreements).toEqual([]);
  });

  it('on the Service Desk mailbox', () => {
    const disagreements = keys.filter(
      (key) => !isDeepStrictEqual(parseMailKey(key, { mailbox: 'serviceDesk' }), oracleServiceDesk(key, true)),
    );
    expect(disagreements).toEqual([]);
  });
});
