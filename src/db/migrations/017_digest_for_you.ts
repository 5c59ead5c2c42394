// The "For you" section of a digest is opt-in per subscription: off for every subscription that exists, turned on by
// the signed-in owner of the subscription's address (src/web/accounts/settings.tsx), who is recorded in user_id.
import { sql, type Kysely } from 'kysely';
import type { Migration } from './index.ts';

export const migration: Migration = {
  version: 17,
  name: 'digest_for_you',
  async up(db: Kysely<any>) {
    await sql`ALTER TABLE subscriptions ADD COLUMN for_you INTEGER NOT NULL DEFAULT 0`.execute(db);
  },
};
