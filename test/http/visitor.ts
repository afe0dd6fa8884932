/** A browser without JavaScript: keeps cookies, follows nothing by itself, reads forms' CSRF tokens. */
export interface Page {
  status: number;
  headers: Headers;
  text: string;
  /** The `_csrf` value of the first form on the page, if any. */
  csrf?: string;
}

export class Visitor {
  readonly cookies = new Map<string, string>();
  private lastCsrf: string | undefined;

  constructor(private readonly base: string) {}

  async get(path: string): Promise<Page> {
    return this.request('GET', path);
  }

  /** Posts a form; `_csrf` is the last page's unless given (null leaves it out). */
  async post(path: string, fields: Record<string, string | string[]> = {}, csrf?: string | null): Promise<Page> {
    const body = new URLSearchParams();
    const token = csrf === undefined ? this.lastCsrf : csrf;
    if (token !== null && token !== undefined) body.append('_csrf', token);
    for (const [name, value] of Object.entries(fields))
      for (const each of ([] as string[]).concat(value)) body.append(name, each);
    return this.request('POST', path, body);
  }

  private async request(method: string, path: string, body?: URLSearchParams): Promise<Page> {
    const response = await fetch(new URL(path, this.base), {
      method,
      redirect: 'manual',
      headers: {
        cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body,
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
    if (csrf) this.lastCsrf = csrf;
    return { status: response.status, headers: response.headers, text, csrf };
  }
}

export async function signInAsOperator(visitor: Visitor, token: string): Promise<Page> {
  await visitor.get('/sign-in');
  return visitor.post('/sign-in', { token, next: '/' });
}
