import type { MailboxConfig, PostroomConfig } from '../config/index.js';
import { ok, warn, type CheckResult } from './result.js';

// Some providers refuse local parts over 64 characters; keys need about 33 of them.
export const LOCAL_PART_LIMIT = 64;
const ROOM_FOR_KEYS = 33;

/** The two warnings GitLab's documentation gives about incoming addresses. */
export function checkAddresses(config: PostroomConfig): CheckResult[] {
  const results: CheckResult[] = [];
  for (const [name, mailbox] of mailboxes(config)) {
    const address = mailbox.address as string;
    const local = address.slice(0, address.lastIndexOf('@'));
    const fixed = local.replace('%{key}', '').length;
    const room = LOCAL_PART_LIMIT - fixed;
    results.push(
      !address.includes('%{key}')
        ? ok(`${name} address`, `${address} is a dedicated address: only replies (key in References) can use it`)
        : room < ROOM_FOR_KEYS
          ? warn(
              `${name} address`,
              `${address} leaves ${room} characters of the 64-character local part for keys; keep the part around %{key} to ${LOCAL_PART_LIMIT - ROOM_FOR_KEYS} characters or less`,
            )
          : ok(`${name} address`, `${address} leaves ${room} characters for keys`),
    );
    const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
    const shared = [config.host, config.outgoing?.from?.address?.split('@')[1]]
      .filter((d): d is string => Boolean(d))
      .map((d) => d.toLowerCase());
    if (shared.includes(domain)) {
      results.push(
        warn(
          `${name} domain`,
          `${domain} is also the instance's own domain: receive on a dedicated subdomain (e.g. incoming.${domain}) so a project address cannot be used to verify accounts elsewhere`,
        ),
      );
    }
  }
  return results;
}

export function mailboxes(config: PostroomConfig): [string, MailboxConfig][] {
  return (
    [
      ['incoming_email', config.incomingEmail],
      ['service_desk_email', config.serviceDeskEmail],
    ] as [string, MailboxConfig][]
  ).filter(([, m]) => m.enabled && m.address);
}
