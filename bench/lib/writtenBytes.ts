import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';

/** Bytes this process has sent to the storage layer so far (all its threads), as the kernel counts them. */
export function processWrittenBytes(): number {
  return Number(/^write_bytes: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'))![1]);
}

/**
 * The block device a folder lives on, to count what reaches the disk itself: the filesystem's
 * journal as well (an fsync of a new file commits its inode and directory entry there), which no
 * process count shows. Undefined where there is none (tmpfs) or /sys cannot say.
 */
export function deviceOf(folder: string): string | undefined {
  const dev = statSync(folder).dev;
  // Linux's encoding of a device number: 12 bits of major above 8 of minor, the rest higher up.
  const major = Math.floor(dev / 256) & 0xfff;
  const minor = (dev & 0xff) | (Math.floor(dev / 1048576) & 0xfff00);
  const stat = `/sys/dev/block/${major}:${minor}/stat`;
  return major !== 0 && existsSync(stat) ? stat : undefined;
}

/**
 * Bytes the whole disk has written so far, after everything dirty was flushed (`sync`): whatever
 * else writes to it counts too, so it is read on a quiet machine.
 */
export function deviceWrittenBytes(statFile: string): number {
  execFileSync('sync');
  // Field 7 of a block device's stat: sectors written, always of 512 bytes.
  return Number(readFileSync(statFile, 'utf8').trim().split(/\s+/)[6]) * 512;
}

export interface WrittenBytes {
  /** By this process, per message. */
  process: number;
  /** By the disk, per message; undefined where the folder has no block device. */
  device?: number;
}

/** Runs `work` and answers what it wrote per message, counted both ways. */
export async function measureWrites(folder: string, count: number, work: () => Promise<void>): Promise<WrittenBytes> {
  const device = deviceOf(folder);
  const deviceBefore = device === undefined ? 0 : deviceWrittenBytes(device);
  const before = processWrittenBytes();
  await work();
  const processBytes = processWrittenBytes() - before;
  return {
    process: processBytes / count,
    device: device === undefined ? undefined : (deviceWrittenBytes(device) - deviceBefore) / count,
  };
}
