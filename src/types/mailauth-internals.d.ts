// mailauth's own Authentication-Results parser, DMARC alignment rule and header block parser
// (the ones its ARC, DMARC and DKIM code use); the package's typings do not declare them.

// Each check's own module: the functions the package's index exports, with its types.
declare module 'mailauth/lib/arc/index.js' {
  export { arc } from 'mailauth';
}
declare module 'mailauth/lib/dkim/verify.js' {
  export { dkimVerify } from 'mailauth';
}
declare module 'mailauth/lib/dmarc/index.js' {
  export { dmarc } from 'mailauth';
}
declare module 'mailauth/lib/spf/index.js' {
  export { spf } from 'mailauth';
}
declare module 'mailauth/lib/parse-dkim-headers.js' {
  /** One `method=result` of a field, with its `ptype.property=value` pairs nested by ptype. */
  export interface ParsedMethod {
    value: string;
    comment?: string;
    [ptype: string]: string | Record<string, string> | undefined;
  }
  export interface ParsedAuthenticationResults {
    /** The authserv-id: the first part without `=`. */
    value?: string;
    dkim?: ParsedMethod[];
    [method: string]: ParsedMethod | ParsedMethod[] | string | undefined;
  }
  export default function headerParser(field: string): { parsed: ParsedAuthenticationResults };
}

declare module 'mailauth/lib/tools.js' {
  /** The entry whose organisational domain is the From domain's, or false. */
  export function getAlignment(fromDomain: string, domains: string[], strict: boolean): { domain: string } | false;
  /** What mailauth's parseHeaders makes of a header block. */
  export interface ParsedHeaderBlock {
    parsed: { key: string | null; casedKey: string | undefined; line: Buffer }[];
    original: Buffer;
  }
  export function parseHeaders(block: Buffer): ParsedHeaderBlock;
}

// The verifier behind mailauth's dkimVerify, fed without its stream: what it does between
// separating the header block and the final hash.
declare module 'mailauth/lib/dkim/dkim-verifier.js' {
  import type { DKIMVerifyOptions, DKIMVerifyResult } from 'mailauth';
  import type { ParsedHeaderBlock } from 'mailauth/lib/tools.js';
  export class DkimVerifier {
    constructor(options: DKIMVerifyOptions);
    headerFrom: DKIMVerifyResult['headerFrom'];
    results: DKIMVerifyResult['results'];
    arc: NonNullable<DKIMVerifyResult['arc']>;
    messageHeaders(headers: ParsedHeaderBlock): Promise<void>;
    nextChunk(body: Buffer): Promise<void>;
    finalChunk(): Promise<void>;
  }
}
