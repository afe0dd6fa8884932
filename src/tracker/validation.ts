import type { Saved } from '../handlers/sink.js';

/** Validation messages as GitLab's models word them, collected before anything is written. */
export class Errors {
  private readonly messages: string[] = [];

  add(message: string): void {
    this.messages.push(message);
  }

  blank(attribute: string, value: string | null | undefined): void {
    if (value === null || value === undefined || value.trim() === '') this.add(`${attribute} can't be blank`);
  }

  tooLong(attribute: string, value: string | null | undefined, maximum: number): void {
    if (value && value.length > maximum) this.add(`${attribute} is too long (maximum is ${maximum} characters)`);
  }

  get any(): boolean {
    return this.messages.length > 0;
  }

  result<T>(): Saved<T> {
    return { saved: false, errors: [...this.messages] };
  }
}

export const saved = <T>(record: T): Saved<T> => ({ saved: true, record });
export const invalid = <T>(...errors: string[]): Saved<T> => ({ saved: false, errors });

export const EMAIL_PATTERN = /^[^\s@<>]+@[^\s@<>]+$/;
