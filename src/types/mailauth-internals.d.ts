// mailauth's own Authentication-Results parser and DMARC alignment rule (the ones its ARC and
// DMARC code use); the package's typings do not declare them.
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
}
