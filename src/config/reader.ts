/**
 * A small typed reader over untrusted YAML: every mistake is collected with its key path,
 * so an operator sees all problems at once instead of fixing them one start at a time.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export class ConfigErrors extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigErrors';
  }
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SIZE_UNITS: Record<string, number> = {
  b: 1,
  k: 1024,
  kb: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
};

export class Section {
  private readonly seen = new Set<string>();

  constructor(
    readonly path: string,
    private readonly raw: Record<string, Json>,
    private readonly problems: string[],
  ) {}

  static root(raw: Json, problems: string[]): Section {
    if (raw === null || raw === undefined) return new Section('', {}, problems);
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      problems.push('(top level): must be a mapping of sections');
      return new Section('', {}, problems);
    }
    return new Section('', raw, problems);
  }

  keyPath(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  fail(key: string, message: string): void {
    this.problems.push(`${this.keyPath(key)}: ${message}`);
  }

  has(key: string): boolean {
    return this.raw[key] !== undefined && this.raw[key] !== null;
  }

  /** The raw value, without counting the key as read (to choose how to read it). */
  peek(key: string): Json | undefined {
    return this.raw[key];
  }

  private take(key: string): Exclude<Json, null> | undefined {
    this.seen.add(key);
    const value = this.raw[key];
    return value === null ? undefined : value;
  }

  section(key: string): Section {
    const value = this.take(key);
    if (value === undefined) return new Section(this.keyPath(key), {}, this.problems);
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.fail(key, `must be a mapping, got ${describe(value)}`);
      return new Section(this.keyPath(key), {}, this.problems);
    }
    return new Section(this.keyPath(key), value, this.problems);
  }

  /** A free-form mapping handed on as is (e.g. GitLab's inbox_options). */
  mapping(key: string): Record<string, Json> | undefined {
    const value = this.take(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.fail(key, `must be a mapping, got ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  string(key: string): string | undefined;
  string(key: string, fallback: string): string;
  string(key: string, fallback?: string): string | undefined {
    const value = this.take(key);
    if (value === undefined) return fallback;
    if (typeof value === 'number') return String(value);
    if (typeof value !== 'string') {
      this.fail(key, `must be a string, got ${describe(value)}`);
      return fallback;
    }
    return value;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.take(key);
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') {
      this.fail(key, `must be true or false, got ${describe(value)}`);
      return fallback;
    }
    return value;
  }

  integer(key: string, fallback: number, min: number, max: number): number {
    const value = this.take(key);
    if (value === undefined) return fallback;
    const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
      this.fail(key, `must be a whole number from ${min} to ${max}, got ${describe(value)}`);
      return fallback;
    }
    return number;
  }

  /** Bytes, as a number or with a unit: 25MB, 512KB (units are powers of 1024). */
  size(key: string, fallback: number): number {
    const value = this.take(key);
    if (value === undefined) return fallback;
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
    const match = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*([kmg]?b?)\s*$/i.exec(value) : null;
    const unit = match ? SIZE_UNITS[(match[2] || 'b').toLowerCase()] : undefined;
    if (!match || unit === undefined || Number(match[1]) <= 0) {
      this.fail(key, `must be a size in bytes such as 26214400 or 25MB, got ${describe(value)}`);
      return fallback;
    }
    return Math.floor(Number(match[1]) * unit);
  }

  /** Milliseconds, from seconds as a number or a string with a unit: 200ms, 30s, 5m, 48h, 2d. */
  duration(key: string, fallbackMs: number, minMs: number, maxMs: number): number {
    const value = this.take(key);
    if (value === undefined) return fallbackMs;
    const match = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(value) : null;
    const ms =
      typeof value === 'number'
        ? value * 1000
        : match
          ? Number(match[1]) * DURATION_UNITS[match[2] ?? 's']
          : Number.NaN;
    if (!Number.isFinite(ms) || ms < minMs || ms > maxMs) {
      this.fail(
        key,
        `must be a duration from ${minMs / 1000}s to ${maxMs / 1000}s such as 30s, 5m or 48h, got ${describe(value)}`,
      );
      return fallbackMs;
    }
    return Math.round(ms);
  }

  oneOf<T extends string>(key: string, choices: readonly T[], fallback: T): T {
    const value = this.take(key);
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
      this.fail(key, `must be one of ${choices.join(', ')}, got ${describe(value)}`);
      return fallback;
    }
    return value as T;
  }

  stringList(key: string): string[] | undefined {
    const value = this.take(key);
    if (value === undefined) return undefined;
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list) || list.some((item) => typeof item !== 'string')) {
      this.fail(key, `must be a list of strings, got ${describe(value)}`);
      return undefined;
    }
    return list as string[];
  }

  /** Keys the schema never asked for are mistakes (typos), not things to guess about. */
  rejectUnknown(tolerated: readonly string[] = []): void {
    for (const key of Object.keys(this.raw)) {
      if (!this.seen.has(key) && !tolerated.includes(key)) this.fail(key, 'unknown key');
    }
  }
}

export function describe(value: Json | undefined): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a mapping';
  return JSON.stringify(value);
}
