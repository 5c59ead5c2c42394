// A signed-in paper page offers "Add to collection" with the person's own collections. That list is now memoised
// under the listings change counter (src/db/memo.ts) with the rest of what a signed-in request reads, so creating,
// renaming, reordering (updated_at) or deleting a collection must move the counter. Adding or removing a paper
// updates its collection's updated_at, which moves it too. Collections change far less often than pages are read:
// the counter moving on each change costs every process one fresh read of what it memoised.
import type { Kysely } from 'kysely';
import type { DatabaseKind } from '../connect.ts';
import type { Migration } from './index.ts';
import { createCounterTriggers, type VIEWER_TABLE_EVENTS } from './018_viewer_state_counter.ts';

export const COLLECTION_TABLE_EVENTS: typeof VIEWER_TABLE_EVENTS = [['collections', ['INSERT', 'UPDATE', 'DELETE']]];

export const migration: Migration = {
  version: 19,
  name: 'collections_counter',
  up: (db: Kysely<any>, kind: DatabaseKind) => createCounterTriggers(db, kind, COLLECTION_TABLE_EVENTS),
};
