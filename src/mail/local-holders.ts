// Who holds a job lease or a claim on a digest or a queued mail: "host:pid:…", so that a runner can tell when a claim's
// process on this host no longer exists and take its rows over at once instead of waiting for the lease.
import os from 'node:os';

/** A new runner's identity in claims: host, pid and start time. */
export function runnerId(): string {
  return `${os.hostname()}:${process.pid}:${Date.now()}`;
}

/**
 * Holders that were processes on this host which no longer exist. Other runners of this same process count as
 * dead only with `ownProcessAbandoned` (the digest runner: one run at a time per process, so an earlier one was
 * abandoned); otherwise they are alive (mail senders: several run side by side).
 */
export function deadLocalHolders(holders: string[], self: string, ownProcessAbandoned: boolean): string[] {
  const host = os.hostname();
  return holders.filter((h) => {
    if (h === self) return false;
    const [hHost, pid] = h.split(':');
    if (hHost !== host || !/^\d+$/.test(pid)) return false;
    if (Number(pid) === process.pid) return ownProcessAbandoned;
    try {
      process.kill(Number(pid), 0);
      return false;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ESRCH';
    }
  });
}
