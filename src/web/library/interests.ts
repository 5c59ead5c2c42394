// After a person saves, unsaves, upvotes or has a claim approved, their "For you" model is refitted in the
// background, so the response does not wait for it and their next "For you" page does not either. Refits of one
// person never overlap: a change during a refit schedules one more, which reads the newest positives.
import { interestsOf } from '../../db/library.ts';
import type { Services } from '../../services.ts';

export interface InterestRefresher {
  /** Schedules a refit of this person's model; returns at once. */
  refresh(userId: string): void;
  /** Resolves when every scheduled refit has finished (tests, shutdown). */
  settled(): Promise<void>;
}

export function interestRefresher(ctx: Pick<Services, 'database' | 'recommendations' | 'logger'>): InterestRefresher {
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  const refit = async (userId: string) => {
    do {
      again.delete(userId);
      const positives = await interestsOf(ctx.database, userId);
      await ctx.recommendations.update(userId, positives);
    } while (again.has(userId));
  };
  return {
    refresh(userId) {
      if (running.has(userId)) {
        again.add(userId);
        return;
      }
      const run = refit(userId)
        .catch((err) => ctx.logger.warn({ err, userId }, 'recommendations: refit failed; the next "For you" page refits'))
        .finally(() => running.delete(userId));
      running.set(userId, run);
    },
    async settled() {
      while (running.size) await Promise.all(running.values());
    },
  };
}
