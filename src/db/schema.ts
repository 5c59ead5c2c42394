// Table types for Kysely. Timestamps are ISO-8601 strings and days are YYYY-MM-DD strings on both
// databases, so that comparisons and sorting behave the same on SQLite and PostgreSQL.
import type { Generated } from 'kysely';

export interface PapersTable {
  id: string;
  version: number;
  title: string;
  abstract: string;
  /** JSON array of names, in order. */
  authors: string;
  primary_category: string | null;
  /** Space-separated, primary first. */
  categories: string;
  submitted_at: string | null;
  updated_at: string | null;
  announced_on: string | null;
  /** JSON array of {version, created}. */
  versions: string;
  comments: string | null;
  journal_ref: string | null;
  doi: string | null;
  license: string | null;
  code_url: string | null;
  project_url: string | null;
  github_stars: number | null;
  /** JSON array of keyphrases from a source (Hugging Face ai_keywords). */
  keywords: string | null;
  ai_summary: string | null;
  /** Derived at index time (search/derive.ts): an extractive one-sentence summary, null where ai_summary exists. */
  tldr: string | null;
  /** Derived at index time: JSON array of keyphrases extracted from title and abstract. */
  derived_keywords: string | null;
  /** The extractor version and the paper's modified_at the derived columns were computed from (null: not yet). */
  derived_version: number | null;
  derived_from: string | null;
  /** Counters kept in step with the votes and comments tables (community issue), in the same transaction. */
  community_upvotes: Generated<number>;
  community_comments: Generated<number>;
  /** 1 when a moderator hid the paper. */
  hidden: Generated<number>;
  featured_at: string | null;
  created_at: string;
  modified_at: string;
}

export interface PaperCategoriesTable {
  paper_id: string;
  category: string;
}

export interface PaperAuthorsTable {
  paper_id: string;
  position: number;
  name: string;
}

export interface DailyEntriesTable {
  paper_id: string;
  day: string;
  submitted_at: string | null;
  submitted_by: string | null;
  /** Upvotes and comments counted by the source that submitted the paper (Hugging Face); community votes add to these. */
  upvotes: number;
  num_comments: number;
  source: string;
  modified_at: string;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: string;
}

export interface UsersTable {
  id: string;
  /** As the person typed it; username_key (lower case) is the unique one. */
  username: string;
  username_key: string;
  /** Normalised (domain lower-cased). */
  email: string;
  password_hash: string | null;
  role: 'user' | 'moderator' | 'admin';
  banned_at: string | null;
  created_at: string;
  /** 1 when the person shows their upvotes on their profile (migration 006; default 0). */
  show_upvotes: Generated<number>;
}

export interface SessionsTable {
  id: string;
  token_hash: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  user_agent: string | null;
}

export interface LoginTokensTable {
  token_hash: string;
  email: string;
  /** Set by the sign-up form: the account to create when the link is used. */
  username: string | null;
  password_hash: string | null;
  next_path: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface VotesTable {
  user_id: string;
  paper_id: string;
  created_at: string;
}

export interface CommentsTable {
  id: string;
  paper_id: string;
  user_id: string;
  parent_id: string | null;
  body: string;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
  hidden_at: string | null;
}

export interface CommentReportsTable {
  comment_id: string;
  user_id: string;
  reason: string;
  created_at: string;
  resolved_at: string | null;
}

export interface SubmissionsTable {
  paper_id: string;
  user_id: string;
  day: string;
  created_at: string;
}

export interface ModerationLogTable {
  id: string;
  actor_id: string;
  action: string;
  target_type: string;
  target_id: string;
  reason: string | null;
  created_at: string;
}

export interface AppSecretsTable {
  name: string;
  value: string;
  created_at: string;
}

/** Shared rate-limit counters (migration 009): one row per limit, subject and fixed window. */
export interface RateLimitHitsTable {
  bucket: string;
  hits: number;
  /** When the window ends, in milliseconds since the epoch. */
  expires_at: number;
}

/** Scheduler and harvest state (migration 002). */
export interface JobLeasesTable {
  name: string;
  holder: string;
  job: string;
  run_id: string | null;
  acquired_at: string;
  expires_at: string;
}

export interface JobRunsTable {
  id: string;
  job: string;
  slot: string;
  attempt: number;
  trigger: string;
  holder: string;
  started_at: string;
  finished_at: string | null;
  /** running | ok | failed | crashed */
  status: string;
  /** JSON object of counts (papers inserted, pages, requests …). */
  counts: string | null;
  error: string | null;
}

export interface HarvestCursorsTable {
  source: string;
  /** JSON, shape owned by the source. */
  state: string;
  updated_at: string;
}

export interface ServicePacingTable {
  service: string;
  next_at: string;
  paused_until: string | null;
  pause_reason: string | null;
}

export interface GithubReposTable {
  repo: string;
  etag: string | null;
  stars: number | null;
  status: string;
  checked_at: string;
}

export interface GithubStarSnapshotsTable {
  repo: string;
  observed_at: string;
  stars: number;
}

/** Email digests (migration 005). JSON columns hold string arrays. */
export interface SubscriptionsTable {
  id: string;
  email: string;
  /** Lower-cased email: one subscription per address. */
  email_key: string;
  user_id: string | null;
  /** pending | active | unsubscribed | disabled */
  status: string;
  /** daily | weekly */
  frequency: string;
  categories: string;
  interests: string;
  paper_count: number;
  time_zone: string;
  send_hour: number;
  /** Preferences asked for by a new sign-up of an active address; applied only when that mail is confirmed. */
  pending_preferences: string | null;
  confirm_nonce: string | null;
  confirm_expires_at: string | null;
  confirm_sent_at: string | null;
  /** Server-side key bound into unsubscribe and manage links; never leaves the server. */
  link_key: string;
  bounce_count: Generated<number>;
  last_bounce_at: string | null;
  created_at: string;
  confirmed_at: string | null;
  unsubscribed_at: string | null;
  updated_at: string;
  /** 1: the digest has a "For you" section for the account user_id, while that account's address is this one. */
  for_you: Generated<number>;
}

export interface DigestDeliveriesTable {
  /** `<subscription id>/<period key>`: one digest per subscriber and period. */
  idempotency_key: string;
  subscription_id: string;
  period_key: string;
  frequency: string;
  message_id: string;
  /** pending | sending | handed_off | sent | failed | skipped */
  status: string;
  attempts: Generated<number>;
  next_attempt_at: string;
  claimed_by: string | null;
  lease_expires_at: string | null;
  handed_off_at: string | null;
  sent_at: string | null;
  smtp_response: string | null;
  last_error: string | null;
  paper_count: number | null;
  created_at: string;
  updated_at: string;
}

export interface MailQueueTable {
  id: string;
  /** What the message is for (`sign-in:<token hash>`, `subscribe:<subscription>:<time>`): the same mail is queued once. */
  idempotency_key: string;
  recipient: string;
  subject: string;
  /** Erased once the message is sent, given up or expired: it may carry a sign-in link. */
  text_body: string | null;
  html_body: string | null;
  /** JSON object of extra headers. */
  headers: string | null;
  message_id: string;
  /** pending | sending | sent | failed | expired */
  status: string;
  attempts: Generated<number>;
  next_attempt_at: string;
  claimed_by: string | null;
  lease_expires_at: string | null;
  /** The link inside stops working then, so the message is not sent after it. */
  expires_at: string;
  sent_at: string | null;
  smtp_response: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

/** "Index any arXiv paper" (migration 008): one row per accepted request. */
export interface IndexRequestsTable {
  id: string;
  arxiv_id: string;
  /** Who is counted for the per-person limit: "user:ID" or "ip:ADDRESS", as the caller says. */
  requester: string;
  /** index | submission */
  purpose: string;
  /** JSON the purpose needs once the paper is stored (a submission: the submitter). */
  payload: string | null;
  /** queued | stored | missing | failed | submitted | rejected */
  status: string;
  created_at: string;
  finished_at: string | null;
  error: string | null;
}

/** One arXiv lookup per id, however many requests name it (migration 008). */
export interface IndexFetchesTable {
  arxiv_id: string;
  /** queued | fetched | missing | failed */
  status: string;
  queued_at: string;
  attempts: number;
  finished_at: string | null;
  error: string | null;
}

export interface IndexRequestLockTable {
  name: string;
}

/** People and their papers (migration 006). */
export interface AuthorNamesTable {
  /** A spelling as written on a paper. */
  name: string;
  /** src/domain/author-name.ts authorKey(name); '' when the name has no letter or digit. */
  author_key: string;
}

export interface HfUsersTable {
  username: string;
  hf_id: string | null;
  fullname: string | null;
  /** As Hugging Face gave it (absolute, or relative to huggingface.co). */
  avatar_url: string | null;
  is_pro: number;
  modified_at: string;
}

export interface OrganizationsTable {
  name: string;
  hf_id: string | null;
  fullname: string;
  avatar_url: string | null;
  modified_at: string;
}

export interface HfPaperDetailsTable {
  paper_id: string;
  organization: string | null;
  /** JSON array of URLs. */
  media_urls: string;
  is_author_participating: number | null;
  modified_at: string;
}

export interface HfAuthorEntriesTable {
  paper_id: string;
  position: number;
  name: string;
  hf_id: string | null;
  hidden: number;
  status: string | null;
  status_changed_at: string | null;
  /** Username of the linked Hugging Face account (hf_users), if any. */
  hf_user: string | null;
}

export interface AuthorClaimsTable {
  id: string;
  paper_id: string;
  position: number;
  author_name: string;
  author_key: string;
  user_id: string;
  /** pending | approved | rejected | withdrawn */
  status: string;
  created_at: string;
  decided_at: string | null;
  decided_by: string | null;
  reason: string | null;
}

export interface RecommendationModelsTable {
  user_id: string;
  /** The fitted model as src/recommend/model-codec.ts encodes it (JSON). */
  model: string;
  fitted_at: string;
}

/** A person's saved papers (migration 015): private to them. */
export interface LibraryItemsTable {
  user_id: string;
  paper_id: string;
  created_at: string;
}

/** Collections of papers (migration 015), as Hugging Face has them. Ids are 24 hex digits. */
export interface CollectionsTable {
  id: string;
  owner_id: string;
  title: string;
  /** The title trimmed and lower-cased: unique per owner. */
  title_key: string;
  description: string | null;
  /** 1: only the owner sees it (others get a 404). */
  private: number;
  theme: string;
  created_at: string;
  updated_at: string;
}

export interface CollectionItemsTable {
  id: string;
  collection_id: string;
  paper_id: string;
  /** 0-based, contiguous within a collection. */
  position: number;
  note: string | null;
  created_at: string;
}

/** Counters bumped by triggers whenever the tables a read model depends on change (migration 16). */
export interface ChangeCountersTable {
  name: string;
  version: number;
}

export interface DB {
  papers: PapersTable;
  paper_categories: PaperCategoriesTable;
  paper_authors: PaperAuthorsTable;
  daily_entries: DailyEntriesTable;
  schema_migrations: SchemaMigrationsTable;
  job_leases: JobLeasesTable;
  job_runs: JobRunsTable;
  harvest_cursors: HarvestCursorsTable;
  service_pacing: ServicePacingTable;
  github_repos: GithubReposTable;
  github_star_snapshots: GithubStarSnapshotsTable;
  users: UsersTable;
  sessions: SessionsTable;
  login_tokens: LoginTokensTable;
  api_tokens: ApiTokensTable;
  votes: VotesTable;
  comments: CommentsTable;
  comment_reports: CommentReportsTable;
  submissions: SubmissionsTable;
  moderation_log: ModerationLogTable;
  app_secrets: AppSecretsTable;
  subscriptions: SubscriptionsTable;
  digest_deliveries: DigestDeliveriesTable;
  mail_queue: MailQueueTable;
  index_requests: IndexRequestsTable;
  index_fetches: IndexFetchesTable;
  index_request_lock: IndexRequestLockTable;
  rate_limit_hits: RateLimitHitsTable;
  author_names: AuthorNamesTable;
  hf_users: HfUsersTable;
  organizations: OrganizationsTable;
  hf_paper_details: HfPaperDetailsTable;
  hf_author_entries: HfAuthorEntriesTable;
  author_claims: AuthorClaimsTable;
  recommendation_models: RecommendationModelsTable;
  library_items: LibraryItemsTable;
  collections: CollectionsTable;
  collection_items: CollectionItemsTable;
  change_counters: ChangeCountersTable;
}

export type { Generated };
