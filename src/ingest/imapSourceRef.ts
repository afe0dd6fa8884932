/** Names one IMAP account's folder, e.g. `imap:gitlab@imap.example.com:993/inbox/`. */
export function imapFolderRef(user: string, host: string, port: number, mailbox: string): string {
  return `imap:${user}@${host}:${port}/${mailbox}/`;
}

/**
 * A message's unique name. UIDs are only unique within one UIDVALIDITY, so it is part of the
 * name: a recreated folder that hands out UID 1 again names a new message, not the old one.
 */
export function imapSourceRef(folderRef: string, uidValidity: bigint, uid: number): string {
  return `${folderRef}${uidValidity}/${uid}`;
}

/** The UIDVALIDITY in a ref of this folder, or undefined for a ref of anything else. */
export function uidValidityOf(folderRef: string, sourceRef: string): bigint | undefined {
  if (!sourceRef.startsWith(folderRef)) return undefined;
  const rest = /^(\d+)\/\d+$/.exec(sourceRef.slice(folderRef.length));
  return rest ? BigInt(rest[1]) : undefined;
}
