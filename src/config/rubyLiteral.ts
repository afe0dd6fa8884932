import type { Json } from './reader.js';

/**
 * Just enough Ruby to read gitlab.rb's settings: strings, numbers, true/false/nil, symbols,
 * arrays, hashes (`'k' => v`, `k: v`, `'k': v`) and `ENV['NAME']` (kept as `${NAME}`, which the
 * Postroom config reads from the environment). Everything else is skipped as tokens.
 */
export type Token =
  | { kind: 'word'; text: string; line: number }
  | { kind: 'string'; text: string; line: number; interpolated: boolean }
  | { kind: 'number'; value: number; line: number }
  | { kind: 'symbol'; text: string; line: number }
  | { kind: 'punct'; text: string; line: number };

const PUNCT = ['=>', '[', ']', '{', '}', '(', ')', ',', '=', ':'];

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (c === '#') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (c === '"' || c === "'") {
      const start = line;
      let text = '';
      let interpolated = false;
      i++;
      while (i < source.length && source[i] !== c) {
        if (source[i] === '\n') line++;
        if (source[i] === '\\' && i + 1 < source.length) {
          const next = source[i + 1];
          text += c === "'" ? (next === "'" || next === '\\' ? next : `\\${next}`) : unescape(next);
          i += 2;
          continue;
        }
        if (c === '"' && source.startsWith('#{', i)) interpolated = true;
        text += source[i++];
      }
      i++;
      tokens.push({ kind: 'string', text, line: start, interpolated });
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const match = /^-?[0-9][0-9_]*(\.[0-9]+)?/.exec(source.slice(i, i + 64)) as RegExpExecArray;
      tokens.push({ kind: 'number', value: Number(match[0].replace(/_/g, '')), line });
      i += match[0].length;
    } else if (c === ':' && /[A-Za-z_]/.test(source[i + 1] ?? '')) {
      const match = /^:([A-Za-z_][A-Za-z0-9_]*[?!]?)/.exec(source.slice(i, i + 256)) as RegExpExecArray;
      tokens.push({ kind: 'symbol', text: match[1], line });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*[?!]?/.exec(source.slice(i, i + 256)) as RegExpExecArray;
      tokens.push({ kind: 'word', text: match[0], line });
      i += match[0].length;
    } else {
      const punct = PUNCT.find((p) => source.startsWith(p, i));
      if (punct) tokens.push({ kind: 'punct', text: punct, line });
      i += punct?.length ?? 1;
    }
  }
  return tokens;
}

function unescape(next: string): string {
  return next === 'n' ? '\n' : next === 't' ? '\t' : next;
}

export class RubyValueError extends Error {}

/** Reads one literal at `tokens[at]`; returns it and the index after it. */
export function readValue(tokens: Token[], at: number): { value: Json; next: number } {
  const token = tokens[at];
  if (!token) throw new RubyValueError('the value is missing');
  if (token.kind === 'string') {
    if (token.interpolated) throw new RubyValueError(`"${token.text}" uses #{...}, which is Ruby code`);
    return { value: token.text, next: at + 1 };
  }
  if (token.kind === 'number') return { value: token.value, next: at + 1 };
  if (token.kind === 'symbol') return { value: token.text, next: at + 1 };
  if (token.kind === 'word') {
    if (token.text === 'true' || token.text === 'false') return { value: token.text === 'true', next: at + 1 };
    if (token.text === 'nil') return { value: null, next: at + 1 };
    if (token.text === 'ENV') return readEnv(tokens, at);
    throw new RubyValueError(`${token.text} is Ruby code, not a value`);
  }
  if (token.text === '[') return readList(tokens, at + 1);
  if (token.text === '{') return readHash(tokens, at + 1);
  throw new RubyValueError(`unexpected ${token.text}`);
}

/** `ENV['NAME']` or `ENV.fetch('NAME')`: the Postroom config takes `${NAME}` from the environment too. */
function readEnv(tokens: Token[], at: number): { value: Json; next: number } {
  const open = tokens[at + 1];
  const name = open?.kind === 'punct' && open.text === '[' ? tokens[at + 2] : tokens[at + 3];
  if (name?.kind !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name.text)) {
    throw new RubyValueError('ENV is read in a way this converter does not follow');
  }
  const close = tokens.findIndex((t, i) => i > at && t.kind === 'punct' && (t.text === ']' || t.text === ')'));
  return { value: `\${${name.text}}`, next: close + 1 };
}

function readList(tokens: Token[], at: number): { value: Json; next: number } {
  const list: Json[] = [];
  let i = at;
  while (!isPunct(tokens[i], ']')) {
    const item = readValue(tokens, i);
    list.push(item.value);
    i = isPunct(tokens[item.next], ',') ? item.next + 1 : item.next;
    if (!tokens[i]) throw new RubyValueError('a list is not closed');
  }
  return { value: list, next: i + 1 };
}

function readHash(tokens: Token[], at: number): { value: Json; next: number } {
  const hash: Record<string, Json> = {};
  let i = at;
  while (!isPunct(tokens[i], '}')) {
    const key = tokens[i];
    if (!key || (key.kind !== 'string' && key.kind !== 'symbol' && key.kind !== 'word')) {
      throw new RubyValueError('a hash key must be a string or a symbol');
    }
    const separator = tokens[i + 1];
    if (!isPunct(separator, ':') && !isPunct(separator, '=>')) throw new RubyValueError(`no => or : after ${key.text}`);
    const item = readValue(tokens, i + 2);
    hash[key.text] = item.value;
    i = isPunct(tokens[item.next], ',') ? item.next + 1 : item.next;
    if (!tokens[i]) throw new RubyValueError('a hash is not closed');
  }
  return { value: hash, next: i + 1 };
}

export function isPunct(token: Token | undefined, text: string): boolean {
  return token?.kind === 'punct' && token.text === text;
}
