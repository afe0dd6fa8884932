// The quoted part GitLab appends to a reply note, in a collapsed <details> block (ReplyProcessing).
import { rubyStrip } from './rubyText.js';

// A quick action is a line that starts with "/command".
const QUICK_ACTION = /^\/[A-Za-z_][\w-]*(?:[ \t].*)?$/;

/** The text with quick-action lines removed (fenced code and quotes are left alone). */
export function withoutQuickActions(text: string): string {
  let fenced = false;
  const kept = text.split('\n').filter((line) => {
    if (/^\s*```/.test(line)) fenced = !fenced;
    return fenced || !QUICK_ACTION.test(line);
  });
  return rubyStrip(kept.join('\n'));
}

/** Appends the quoted part in a collapsed <details> block, unless there is nothing worth it. */
export function appendReply(message: string, reply: string): string {
  if (rubyStrip(message) === '' || rubyStrip(reply) === '') return message;
  if (withoutQuickActions(message) === '') return message;
  return `${message}\n\n<details><summary>...</summary>\n\n${reply}\n\n</details>`;
}
