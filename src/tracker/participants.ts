import type { TrackerContext } from './types.js';
import { EMAIL_PATTERN } from './validation.js';

/** GitLab's IssueEmailParticipant limit per issue. */
export const MAX_EMAIL_PARTICIPANTS = 10;

/**
 * Adds the addresses not yet following the issue, until it has the maximum; compared
 * case-insensitively. Returns the addresses added.
 */
export function addEmailParticipants(ctx: TrackerContext, issueId: number, emails: string[]): string[] {
  return ctx.db
    .transaction((): string[] => {
      const count = ctx
        .prepare('SELECT COUNT(*) AS n FROM issue_email_participants WHERE issue_id = ?')
        .get(issueId) as { n: number };
      let room = MAX_EMAIL_PARTICIPANTS - count.n;
      const added: string[] = [];
      const insert = ctx.prepare(
        'INSERT OR IGNORE INTO issue_email_participants (issue_id, email_lower, email, created_at) VALUES (?, ?, ?, ?)',
      );
      for (const raw of emails) {
        const email = raw.trim();
        if (room <= 0) break;
        if (!EMAIL_PATTERN.test(email)) continue;
        if (insert.run(issueId, email.toLowerCase(), email, ctx.now()).changes === 1) {
          added.push(email);
          room--;
        }
      }
      return added;
    })
    .immediate();
}

export function emailParticipantsOf(ctx: TrackerContext, issueId: number): string[] {
  const rows = ctx
    .prepare('SELECT email FROM issue_email_participants WHERE issue_id = ? ORDER BY id')
    .all(issueId) as {
    email: string;
  }[];
  return rows.map((row) => row.email);
}
