import Database from 'better-sqlite3';

export interface Backlog {
  /** Deliveries that reached a final state (done, ignored, rejected, dead). */
  finished: number;
  /** Of those, the ones done: for a bench whose every message should have its effect. */
  done: number;
  /** Deliveries still waiting or being routed (queued, processing, retry). */
  waiting: number;
}

/** Reads the spool's states from its file, read-only, beside the running server. */
export function readBacklog(spoolPath: string): Backlog {
  const db = new Database(spoolPath, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT state, count(*) AS n FROM deliveries GROUP BY state').all() as {
      state: string;
      n: number;
    }[];
    const count = (states: string[]) => rows.filter((r) => states.includes(r.state)).reduce((a, r) => a + r.n, 0);
    return {
      finished: count(['done', 'ignored', 'rejected', 'dead']),
      done: count(['done']),
      waiting: count(['queued', 'processing', 'retry']),
    };
  } finally {
    db.close();
  }
}
