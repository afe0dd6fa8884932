import { badRequest } from './reply.js';

/**
 * A JSON request body read field by field; a wrong field is a 400 naming it, so a caller learns
 * what to fix without reading the source.
 */
export class Fields {
  constructor(private readonly raw: Record<string, unknown>) {}

  static parse(textBody: string): Fields {
    if (textBody.trim() === '') return new Fields({});
    let parsed: unknown;
    try {
      parsed = JSON.parse(textBody);
    } catch (error) {
      throw badRequest(`the body is not valid JSON: ${(error as Error).message}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw badRequest('the body must be a JSON object');
    return new Fields(parsed as Record<string, unknown>);
  }

  /** Present at all, null included: for fields where null means "remove". */
  given(name: string): boolean {
    return Object.hasOwn(this.raw, name);
  }

  has(name: string): boolean {
    return this.raw[name] !== undefined && this.raw[name] !== null;
  }

  value(name: string): unknown {
    return this.has(name) ? this.raw[name] : undefined;
  }

  string(name: string): string {
    const value = this.optionalString(name);
    if (value === undefined || value.trim() === '') throw badRequest(`${name} is missing`);
    return value;
  }

  optionalString(name: string): string | undefined {
    const value = this.value(name);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw badRequest(`${name} must be a string`);
    return value;
  }

  boolean(name: string): boolean | undefined {
    const value = this.value(name);
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') throw badRequest(`${name} must be true or false`);
    return value;
  }

  oneOf<T extends string>(name: string, choices: readonly T[]): T | undefined {
    const value = this.optionalString(name);
    if (value === undefined) return undefined;
    if (!(choices as readonly string[]).includes(value))
      throw badRequest(`${name} must be one of ${choices.join(', ')}`);
    return value as T;
  }

  /** An id (number or digits) or a name: how users and projects are referred to. */
  reference(name: string): string {
    const value = this.value(name);
    if (typeof value === 'number' && Number.isInteger(value)) return String(value);
    return this.string(name);
  }
}
