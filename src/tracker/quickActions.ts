/**
 * Quick actions: lines of the form `/command argument` in a note, issue or merge request text.
 * Pure: parsing, argument splitting and the Support Bot's neutralisation. Applying them is
 * `quickActionApplier.ts`.
 */

export type QuickActionName =
  | 'close'
  | 'reopen'
  | 'label'
  | 'unlabel'
  | 'relabel'
  | 'assign'
  | 'unassign'
  | 'title'
  | 'confidential'
  | 'target_branch'
  | 'todo'
  | 'done'
  | 'subscribe'
  | 'unsubscribe';

export interface QuickAction {
  name: QuickActionName;
  /** The rest of the line after one space, trimmed; '' when there was none. */
  argument: string;
}

export interface Extraction {
  /** The text without the quick-action lines. */
  text: string;
  actions: QuickAction[];
}

/** Names (and GitLab's aliases) the tracker carries out. */
const EXECUTED: Readonly<Record<string, QuickActionName>> = {
  close: 'close',
  reopen: 'reopen',
  label: 'label',
  labels: 'label',
  unlabel: 'unlabel',
  remove_label: 'unlabel',
  relabel: 'relabel',
  assign: 'assign',
  unassign: 'unassign',
  title: 'title',
  confidential: 'confidential',
  target_branch: 'target_branch',
  todo: 'todo',
  done: 'done',
  subscribe: 'subscribe',
  unsubscribe: 'unsubscribe',
};

/**
 * GitLab's other commands. They are not carried out here (so a user's text keeps them), but
 * Support Bot text neutralises them too, as GitLab would.
 */
const KNOWN_ELSEWHERE = [
  'add_email',
  'remove_email',
  'cc',
  'due',
  'remove_due_date',
  'milestone',
  'remove_milestone',
  'estimate',
  'remove_estimate',
  'spend',
  'spent',
  'remove_time_spent',
  'weight',
  'clear_weight',
  'lock',
  'unlock',
  'merge',
  'draft',
  'ready',
  'wip',
  'award',
  'react',
  'shrug',
  'tableflip',
  'copy_metadata',
  'duplicate',
  'move',
  'clone',
  'assign_reviewer',
  'reviewer',
  'request_review',
  'unassign_reviewer',
  'remove_reviewer',
  'rebase',
  'approve',
  'unapprove',
  'submit_review',
  'severity',
  'relate',
  'unrelate',
  'promote',
  'promote_to_incident',
  'create_merge_request',
  'board_move',
  'epic',
  'remove_epic',
  'iteration',
  'remove_iteration',
  'health_status',
  'clear_health_status',
  'parent_epic',
  'child_epic',
  'type',
  'zoom',
  'remove_zoom',
  'timeline',
  'invite_email',
  'blocks',
  'blocked_by',
  'set_parent',
  'remove_parent',
  'add_child',
  'remove_child',
  'convert_to_ticket',
  'status',
  'publish',
  'checkin_reminder',
  'q',
];

const COMMAND_LINE = /^\/([a-z_]+)(?: (.*))?$/i;

type LineKind = { kind: 'text' } | { kind: 'command'; name: string; argument: string };

/** Splits text into lines and says which are commands, skipping fenced code, `>>>` quotes and HTML blocks. */
function classify(text: string, isCommand: (name: string) => boolean): { lines: string[]; kinds: LineKind[] } {
  const lines = text.replace(/\r/g, '').split('\n');
  const kinds: LineKind[] = [];
  let closer: RegExp | null = null;
  for (const line of lines) {
    if (closer) {
      kinds.push({ kind: 'text' });
      if (closer.test(line)) closer = null;
      continue;
    }
    if (/^```/.test(line)) closer = /^```\s*$/;
    else if (/^>>>/.test(line)) closer = /^>>>\s*$/;
    else if (/^<[^/>][^>]*>\s*$/.test(line)) closer = /^<\/[^>]+>\s*$/;
    const match = closer ? null : COMMAND_LINE.exec(line.trimEnd());
    if (match && isCommand(match[1].toLowerCase())) {
      kinds.push({ kind: 'command', name: match[1].toLowerCase(), argument: (match[2] ?? '').trim() });
    } else {
      kinds.push({ kind: 'text' });
    }
  }
  return { lines, kinds };
}

/**
 * Rebuilds the text with each command line replaced. Like GitLab's `(?:\s*\n|$)`, a command line
 * takes its newline and the blank lines after it along.
 */
function transform(
  text: string,
  isCommand: (name: string) => boolean,
  replace: (line: string, atEnd: boolean) => string,
): { text: string; commands: { name: string; argument: string }[] } {
  const { lines, kinds } = classify(text, isCommand);
  const commands: { name: string; argument: string }[] = [];
  let out = '';
  for (let index = 0; index < lines.length; index++) {
    const kind = kinds[index];
    if (kind.kind === 'command') {
      commands.push({ name: kind.name, argument: kind.argument });
      const line = lines[index].trimEnd();
      while (index + 1 < lines.length - 1 && lines[index + 1].trim() === '') index++;
      out += replace(line, index === lines.length - 1);
      continue;
    }
    out += index === lines.length - 1 ? lines[index] : `${lines[index]}\n`;
  }
  return { text: out, commands };
}

/** Takes out the quick actions the tracker carries out; the text keeps everything else. */
export function extractQuickActions(text: string): Extraction {
  const { text: rest, commands } = transform(
    text,
    (name) => Object.hasOwn(EXECUTED, name),
    () => '',
  );
  return {
    text: rest.trim(),
    actions: commands.map(({ name, argument }) => ({ name: EXECUTED[name], argument })),
  };
}

const ALL_KNOWN = new Set([...Object.keys(EXECUTED), ...KNOWN_ELSEWHERE]);

/**
 * GitLab's `redact_commands`, used for text the Support Bot writes on a customer's behalf: each
 * command line becomes an inline code span, so it shows but never runs. Idempotent: a code span
 * is no longer a command line.
 */
export function neutraliseQuickActions(text: string): string {
  return transform(
    text,
    (name) => ALL_KNOWN.has(name),
    (line, atEnd) => (atEnd ? `\`${line}\`` : `\`${line}\`\n`),
  ).text;
}

/** `~bug ~"needs review" plain` → ['bug', 'needs review', 'plain']. */
export function parseLabelNames(argument: string): string[] {
  const names: string[] = [];
  for (const match of argument.matchAll(/~"([^"]+)"|~([^\s~"]+)|([^\s~"]+)/g)) {
    const name = (match[1] ?? match[2] ?? match[3]).trim();
    if (name && !names.includes(name)) names.push(name);
  }
  return names;
}

/** `@alice @bob me` → ['alice', 'bob', 'me']; the applier resolves `me`. */
export function parseUsernames(argument: string): string[] {
  const names: string[] = [];
  for (const match of argument.matchAll(/@?([A-Za-z0-9_.][A-Za-z0-9_.-]*)/g)) {
    if (!names.includes(match[1])) names.push(match[1]);
  }
  return names;
}
