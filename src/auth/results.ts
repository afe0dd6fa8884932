/** RFC 8601's result words, as mailauth reports them. */
export type AuthResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror' | 'policy';

export interface DkimSignature {
  result: AuthResult;
  /** The signing domain (`d=`). */
  domain?: string;
  selector?: string;
  /** The signing domain is the From domain or shares its organisational domain. */
  aligned: boolean;
}

/** What sender authentication found for one message: stored with it and read by the identity policy. */
export interface AuthResults {
  spf: { result: AuthResult; domain?: string };
  dkim: DkimSignature[];
  dmarc: { result: AuthResult; domain?: string; policy?: string };
  arc: { result: AuthResult };
  /** The domain of the single From address; absent when From is missing or names several. */
  fromDomain?: string;
  /** The client the results are about (after XCLIENT/XFORWARD from a trusted relay). */
  client: { ip?: string; helo?: string; mailFrom: string };
  /** Set when a lookup or the deadline failed: every result it touched is `temperror`. */
  error?: string;
  /** The authserv-id of the mailbox provider whose Authentication-Results these are (IMAP, Graph). */
  upstream?: string;
}

/** Results for a message nobody could check in time: honest mail is never lost for it. */
export function temporaryFailure(client: AuthResults['client'], error: string): AuthResults {
  return {
    spf: { result: 'temperror' },
    dkim: [],
    dmarc: { result: 'temperror' },
    arc: { result: 'temperror' },
    client,
    error,
  };
}

/** One line for logs and the trace: `spf=pass dkim=pass dmarc=pass arc=none`. */
export function resultSummary(results: AuthResults): string {
  const dkim = results.dkim.length ? results.dkim.map((s) => s.result).join(',') : 'none';
  const error = results.error ? ` (${results.error})` : '';
  const upstream = results.upstream ? ` (as ${results.upstream} found)` : '';
  return `spf=${results.spf.result} dkim=${dkim} dmarc=${results.dmarc.result} arc=${results.arc.result}${error}${upstream}`;
}
