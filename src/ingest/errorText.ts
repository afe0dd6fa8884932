/** One line for the log: the message, plus what an IMAP or HTTP server said when it said something. */
export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const serverText = (error as { responseText?: unknown }).responseText;
  return typeof serverText === 'string' && serverText ? `${error.message}: ${serverText}` : error.message;
}
