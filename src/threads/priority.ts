import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * Lowers the CPU priority of the calling thread alone, to at least `niceness` (Linux gives each thread its own nice
 * value; `/proc/thread-self` names the thread). Raising a nice value needs no privilege. Where
 * the thread cannot be named (not Linux), nothing changes and the reason is returned.
 */
export function lowerThreadPriority(niceness: number): { lowered: true } | { lowered: false; reason: string } {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    // Never raises it: a process already started nicer keeps its own value.
    if (getPriority(threadId) < niceness) setPriority(threadId, niceness);
    return { lowered: true };
  } catch (error) {
    return { lowered: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
