// The ordered list of schema migrations. Forward only: a released migration is never edited; a change
// is a new, higher-numbered file added to this list.
import type { Kysely } from 'kysely';
import type { DatabaseKind } from '../connect.ts';
import { migration as m001 } from './001_papers.ts';
import { migration as m002 } from './002_jobs_and_harvest.ts';
import { migration as m004 } from './004_community.ts';
import { migration as m005 } from './005_subscriptions.ts';
import { migration as m006 } from './006_people.ts';
import { migration as m008 } from './008_index_requests.ts';
import { migration as m009 } from './009_rate_limits.ts';
import { migration as m010 } from './010_mail_queue.ts';
import { migration as m011 } from './011_derived_text.ts';
import { migration as m013 } from './013_sitemap_indexes.ts';
import { migration as m014 } from './014_recommendation_models.ts';
import { migration as m015 } from './015_collections_and_library.ts';
import { migration as m016 } from './016_change_counters.ts';
import { migration as m017 } from './017_digest_for_you.ts';
import { migration as m018 } from './018_viewer_state_counter.ts';
import { migration as m019 } from './019_collections_counter.ts';
import { migration as m020 } from './020_author_key_sigma.ts';

export interface Migration {
  version: number;
  name: string;
  up(db: Kysely<any>, kind: DatabaseKind): Promise<void>;
}

export const migrations: Migration[] = [m001, m002, m004, m005, m006, m008, m009, m010, m011, m013, m014, m015, m016, m017, m018, m019, m020];
