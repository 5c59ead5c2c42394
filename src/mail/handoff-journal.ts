// A local, append-only record of hand-offs: "this message's end-of-data marker is being written now". The digest
// runner (digest-runner.ts) and the mail queue's senders (queue.ts) each keep one per runner, in folders of their own.
//
// The runner must record a hand-off durably before releasing the end-of-data marker, and the gap between the
// two must be as short as possible (docs/digests.md). A database commit cannot close that gap on PostgreSQL:
// the server commits before the client hears of it, and a client killed in between leaves a row saying
// "handed off" for a message whose marker was never written. A synchronous write() to a local file can: it
// returns only once the kernel holds the line (a killed process cannot take it back), and the marker follows
// in the same tick of the event loop. After a crash, the next runner on this host folds the journal of the
// dead process into the database before it takes over that process's digests or queued mail.
import fs from 'node:fs';
import path from 'node:path';

export interface JournaledHandOff {
  key: string;
  /** The attempt that was handed off: a later attempt of the same digest is not covered by this line. */
  attempt: number;
}

export class HandOffJournal {
  private fd: number | null = null;
  private readonly file: string;

  constructor(
    private readonly dir: string,
    readonly holder: string,
  ) {
    this.file = path.join(dir, `${encodeURIComponent(holder)}.log`);
  }

  /** Synchronous on purpose: the caller writes the end-of-data marker right after this returns. */
  record(entry: JournaledHandOff): void {
    if (this.fd === null) {
      fs.mkdirSync(this.dir, { recursive: true });
      this.fd = fs.openSync(this.file, 'a', 0o600);
    }
    fs.writeSync(this.fd, `${entry.key}\t${entry.attempt}\n`);
  }

  /** Once every hand-off of this run is in the database, the journal is no longer needed. */
  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
    fs.rmSync(this.file, { force: true });
  }

  /** Journals left by other runners in this folder, with their holder, for the caller to check and fold in. */
  static others(dir: string, self: string): { holder: string; entries: JournaledHandOff[]; discard(): void }[] {
    let names: string[];
    try {
      names = fs.readdirSync(dir).filter((n) => n.endsWith('.log'));
    } catch {
      return [];
    }
    return names
      .map((name) => ({ name, holder: decodeURIComponent(name.slice(0, -4)) }))
      .filter((j) => j.holder !== self)
      .map(({ name, holder }) => {
        const file = path.join(dir, name);
        let text = '';
        try {
          text = fs.readFileSync(file, 'utf8');
        } catch {
          // removed by another runner in the meantime
        }
        const entries = text
          .split('\n')
          .map((line) => line.split('\t'))
          // A line cut short by the crash has no attempt number and is ignored: its marker never followed.
          .filter((parts) => parts.length === 2 && /^\d+$/.test(parts[1]))
          .map(([key, attempt]) => ({ key, attempt: Number(attempt) }));
        return { holder, entries, discard: () => fs.rmSync(file, { force: true }) };
      });
  }
}
