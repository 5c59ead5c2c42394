// When jobs are due. A slot is an occurrence of a job's cron pattern (UTC); every process computes the same
// slots, so "has this slot run?" is a question the database can answer for all of them.
import { Cron } from 'croner';

export function cronFor(pattern: string): Cron {
  return new Cron(pattern, { timezone: 'UTC' });
}

/** The latest occurrence at or before `now`, or null when the pattern never fired in the last four years. */
export function latestSlot(pattern: string, now: Date): Date | null {
  const cron = cronFor(pattern);
  // Widen the look-back window until it holds an occurrence; stepping forward inside a window a few
  // periods long stays cheap for every-second and once-a-year patterns alike.
  for (let windowMs = 60_000; windowMs <= 4 * 366 * 86_400_000; windowMs *= 8) {
    let cursor = new Date(now.getTime() - windowMs);
    let latest: Date | null = null;
    for (let steps = 0; steps < 10_000; steps++) {
      const next = cron.nextRun(cursor);
      if (!next || next.getTime() > now.getTime()) break;
      latest = next;
      cursor = next;
    }
    if (latest) return latest;
  }
  return null;
}

export function nextSlot(pattern: string, now: Date): Date | null {
  return cronFor(pattern).nextRun(now);
}

/** True when croner accepts the pattern. */
export function isValidPattern(pattern: string): boolean {
  try {
    cronFor(pattern);
    return true;
  } catch {
    return false;
  }
}

/**
 * SCHEDULE_OVERRIDES: "job=cron;job=off". Returns the pattern (or null for off) per job name; throws with a
 * message naming the bad part.
 */
export function parseScheduleOverrides(value: string | undefined, jobNames: string[]): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const part of (value ?? '')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq).trim();
    const pattern = part.slice(eq + 1).trim();
    if (eq < 1 || !jobNames.includes(name)) {
      throw new Error(`SCHEDULE_OVERRIDES: "${part}" does not name a job (jobs: ${jobNames.join(', ')})`);
    }
    if (pattern === 'off') out.set(name, null);
    else if (isValidPattern(pattern)) out.set(name, pattern);
    else throw new Error(`SCHEDULE_OVERRIDES: "${pattern}" is not a cron pattern for ${name}`);
  }
  return out;
}
