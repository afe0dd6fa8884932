export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  status: CheckStatus;
  name: string;
  detail: string;
}

export const ok = (name: string, detail: string): CheckResult => ({ status: 'ok', name, detail });
export const warn = (name: string, detail: string): CheckResult => ({ status: 'warn', name, detail });
export const fail = (name: string, detail: string): CheckResult => ({ status: 'fail', name, detail });
export const skip = (name: string, detail: string): CheckResult => ({ status: 'skip', name, detail });

export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
