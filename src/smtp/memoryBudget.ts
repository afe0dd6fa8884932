/**
 * DATA bytes that all sessions together hold in memory. A message that cannot take its next
 * chunk from the budget goes to disk instead, so memory stays flat however many clients send.
 */
export class MemoryBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  take(bytes: number): boolean {
    if (this.used + bytes > this.limit) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.used -= bytes;
  }
}
