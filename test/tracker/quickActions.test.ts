import { describe, expect, it } from 'vitest';
import {
  extractQuickActions,
  neutraliseQuickActions,
  parseLabelNames,
  parseUsernames,
} from '../../src/tracker/index.js';

describe('extractQuickActions', () => {
  it('takes command lines out of the text and keeps the rest', () => {
    expect(extractQuickActions('Cool!\n/close\n/todo\n\nOn Sun, someone wrote:\n> quoted')).toEqual({
      text: 'Cool!\nOn Sun, someone wrote:\n> quoted',
      actions: [
        { name: 'close', argument: '' },
        { name: 'todo', argument: '' },
      ],
    });
  });

  it('reads arguments and GitLab aliases, case-insensitively', () => {
    expect(
      extractQuickActions('/LABEL ~bug ~"needs review"\n/remove_label ~old\n/assign @alice me\n/title A better title ')
        .actions,
    ).toEqual([
      { name: 'label', argument: '~bug ~"needs review"' },
      { name: 'unlabel', argument: '~old' },
      { name: 'assign', argument: '@alice me' },
      { name: 'title', argument: 'A better title' },
    ]);
  });

  it('says a body of commands only has no text left', () => {
    expect(extractQuickActions('/close\n/todo\n')).toEqual({
      text: '',
      actions: [
        { name: 'close', argument: '' },
        { name: 'todo', argument: '' },
      ],
    });
  });

  it('leaves commands in fenced code, >>> quotes, HTML blocks, mid-line, indented or with a longer name', () => {
    const text = [
      '```',
      '/close',
      '```',
      '>>>',
      '/close',
      '>>>',
      '<details>',
      '/close',
      '</details>',
      'please /close this',
      ' /close',
      '/closed',
      '/constructor',
      '> /close',
    ].join('\n');
    expect(extractQuickActions(text)).toEqual({ text, actions: [] });
  });

  it('leaves commands the tracker does not carry out in the text', () => {
    expect(extractQuickActions('/due tomorrow\n/shrug')).toEqual({ text: '/due tomorrow\n/shrug', actions: [] });
  });

  it('handles CRLF line ends', () => {
    expect(extractQuickActions('Hi\r\n/close\r\nBye')).toEqual({
      text: 'Hi\nBye',
      actions: [{ name: 'close', argument: '' }],
    });
  });
});

describe('neutraliseQuickActions (GitLab redact_commands, for the Support Bot)', () => {
  it("turns each command line into a code span, as GitLab's Service Desk ticket expects", () => {
    const body =
      'Service desk stuff!\n\n```\na = b\n```\n\n/label ~label1\n/assign @user1\n/close\n\n![image](uploads/image.png)';
    expect(neutraliseQuickActions(body)).toBe(
      'Service desk stuff!\n\n```\na = b\n```\n\n`/label ~label1`\n`/assign @user1`\n`/close`\n![image](uploads/image.png)',
    );
  });

  it('matches the reply GitLab expects from a Service Desk participant', () => {
    expect(neutraliseQuickActions('Jake out\n\n/close\n/title test')).toBe('Jake out\n\n`/close`\n`/title test`');
  });

  it('also neutralises GitLab commands the tracker does not run, and is idempotent', () => {
    const once = neutraliseQuickActions('/due tomorrow\n/unknown_thing');
    expect(once).toBe('`/due tomorrow`\n/unknown_thing');
    expect(neutraliseQuickActions(once)).toBe(once);
  });

  it('leaves nothing for extractQuickActions to run', () => {
    expect(extractQuickActions(neutraliseQuickActions('/close\n/label ~x')).actions).toEqual([]);
  });
});

describe('arguments', () => {
  it('label names: ~word, ~"quoted words", bare words, once each', () => {
    expect(parseLabelNames('~bug ~"needs review" feature ~scope::name ~bug')).toEqual([
      'bug',
      'needs review',
      'feature',
      'scope::name',
    ]);
  });

  it('usernames: with or without @, and me', () => {
    expect(parseUsernames('@alice bob.b @carol-c me @alice')).toEqual(['alice', 'bob.b', 'carol-c', 'me']);
  });
});
