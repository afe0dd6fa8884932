import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';

/**
 * A message's bytes on disk, written as they arrive. Writing waits for the disk: while the
 * file is behind, the DATA stream is paused, and with it the client's socket.
 */
export class SpillFile {
  private readonly file: WriteStream;
  private failure: Error | undefined;

  constructor(
    readonly path: string,
    private readonly source: Readable,
  ) {
    this.file = createWriteStream(path, { flags: 'wx' });
    this.file.on('error', (error) => {
      this.failure = error;
      // The stream must go on to its end, so the client gets its 451 rather than a stall.
      source.resume();
    });
  }

  write(chunk: Buffer): void {
    if (this.failure || this.file.write(chunk)) return;
    this.source.pause();
    this.file.once('drain', () => this.source.resume());
  }

  /** Resolves once every byte is in the file and it is closed; rejects when the disk refused them. */
  finish(): Promise<void> {
    return new Promise((resolve, reject) => {
      const settle = () => (this.failure ? reject(this.failure) : resolve());
      if (this.file.closed) return settle();
      this.file.once('close', settle);
      this.file.end();
    });
  }

  /** Stops writing and removes the file (a refused or abandoned message). */
  async discard(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (this.file.closed) return resolve();
      this.file.once('close', () => resolve());
      this.file.destroy();
    });
    await rm(this.path, { force: true });
  }
}
