// The one configuration schema. Every setting comes from the environment, is validated here, and has a
// default that runs the whole product on one machine with no configuration at all.
import path from 'node:path';
import { z } from 'zod';
import { isArxivCategory } from './domain/arxiv-category.ts';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
    errorMap: () => ({ message: 'expected true or false' }),
  })
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `expected a URL starting with ${protocols.map((p) => p + '//').join(' or ')}` },
  );

/** A non-negative whole number written in decimal; message names what was expected. */
const wholeNumber = (min: number, max: number = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^\d+$/, `expected a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `expected at least ${min}`).max(max, `expected at most ${max}`));

const categoryList = z
  .string()
  .transform((v) => v.split(/[\s,]+/).filter(Boolean))
  .refine((list) => list.every(isArxivCategory), {
    message: 'expected arXiv categories separated by commas, such as cs.AI,cs.CL',
  });

export const configSchema = z.object({
  PAPERFEED_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  /**
   * SQLite's fsync policy in WAL mode. NORMAL survives a crash of the process, but the last commits may be lost
   * when the machine loses power or its OS crashes; FULL syncs the WAL on every commit, so a committed write
   * survives those too, at a cost on every write.
   */
  SQLITE_SYNCHRONOUS: z.enum(['NORMAL', 'FULL']).default('NORMAL'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: wholeNumber(0, 65535).default('3000'),
  /**
   * Seconds an idle client connection is kept open. Behind a reverse proxy that keeps connections to the app, set it
   * above the proxy's own idle time (deploy/haproxy.cfg: 65), so the proxy closes idle connections, never the app:
   * a request the proxy sends on a connection the app is closing gets no answer.
   */
  HTTP_KEEP_ALIVE_SECONDS: wholeNumber(1, 3600).default('5'),
  BASE_URL: url(['http:', 'https:']).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Signs sessions, CSRF tokens and mail links. Generated and kept in the data dir when unset. */
  SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Who arXiv and GitHub should contact about our traffic; goes into the User-Agent. */
  CONTACT_EMAIL: z
    .string()
    .regex(/^[^@\s]+@[^@\s]+$/, 'expected an email address')
    .default('paperfeed@localhost'),

  // Sources
  ARXIV_CATEGORIES: categoryList.default('cs.AI,cs.CL,cs.CV,cs.LG,stat.ML'),
  ARXIV_API_URL: url(['http:', 'https:']).default('https://export.arxiv.org/api/query'),
  ARXIV_OAI_URL: url(['http:', 'https:']).default('https://oaipmh.arxiv.org/oai'),
  ARXIV_LISTING_URL: url(['http:', 'https:']).default('https://rss.arxiv.org/rss'),
  /** Minimum gap between two requests to arXiv, shared by the API, OAI-PMH and RSS hosts. */
  ARXIV_MIN_INTERVAL_MS: wholeNumber(0).default('3000'),
  GITHUB_API_URL: url(['http:', 'https:']).default('https://api.github.com'),
  GITHUB_TOKEN: z.string().min(1).optional(),
  HF_API_URL: url(['http:', 'https:']).default('https://huggingface.co'),
  HF_SYNC: bool.default('false'),
  /** Outbound requests to loopback and private addresses are refused unless this is set (tests set it). */
  ALLOW_PRIVATE_NETWORK: bool.default('false'),
  /** With an empty database, `serve` harvests the last days in the background. */
  HARVEST_ON_START: bool.default('true'),
  SCHEDULER: bool.default('true'),
  // Harvesting and scheduling (docs/harvesting.md)
  /** OAI-PMH metadata format; arXivRaw carries categories and the version history. */
  ARXIV_OAI_METADATA_PREFIX: z.enum(['arXivRaw', 'arXiv', 'oai_dc']).default('arXivRaw'),
  /** How far back the first harvest of an empty store reaches. */
  HARVEST_DAYS: wholeNumber(1, 365).default('7'),
  GITHUB_MIN_INTERVAL_MS: wholeNumber(0).default('1000'),
  /** Repositories whose star count is refreshed per github-stars run (stalest first). */
  GITHUB_STARS_PER_RUN: wholeNumber(1, 5000).default('50'),
  HF_MIN_INTERVAL_MS: wholeNumber(0).default('1000'),
  /** Days of Hugging Face daily papers pulled per hf-sync run (today and the days before). */
  HF_SYNC_DAYS: wholeNumber(1, 60).default('3'),
  HTTP_TIMEOUT_MS: wholeNumber(100).default('60000'),
  HTTP_MAX_BODY_BYTES: wholeNumber(1024).default('67108864'),
  HTTP_MAX_RETRIES: wholeNumber(0, 10).default('4'),
  HTTP_RETRY_BASE_MS: wholeNumber(0).default('2000'),
  /** How long a service is left alone after it answers 429 (at least 10 minutes in production). */
  HTTP_429_PAUSE_MS: wholeNumber(0).default('600000'),
  /** A 503 Retry-After longer than this fails the request instead of waiting. */
  HTTP_MAX_RETRY_AFTER_MS: wholeNumber(0).default('600000'),
  /** A job's lease lasts this long unless renewed; a crashed process's job is retried after it expires. */
  JOB_LEASE_MS: wholeNumber(500).default('300000'),
  /** Attempts per scheduled slot before a failing job waits for its next slot. */
  JOB_MAX_ATTEMPTS: wholeNumber(1, 20).default('5'),
  /** First retry delay of a failed job; doubles with each attempt. */
  JOB_RETRY_BASE_MS: wholeNumber(0).default('60000'),
  SCHEDULER_TICK_MS: wholeNumber(50).default('15000'),
  /** Per-job schedule changes, e.g. "github-stars=0 * * * *;hf-sync=off" (cron in UTC, seconds field allowed). */
  SCHEDULE_OVERRIDES: z.string().optional(),

  // Mail
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  MAIL_FROM: z.string().min(3).default('Paperfeed <paperfeed@localhost>'),
  SMTP_MAX_CONNECTIONS: wholeNumber(1, 50).default('10'),
  /** Digest sign-up confirmation links stay valid this long; unconfirmed sign-ups are then forgotten. */
  SUBSCRIBE_CONFIRM_HOURS: wholeNumber(1, 720).default('48'),
  /** At most one confirmation mail per address within this many minutes, however often the form is sent. */
  SUBSCRIBE_MAIL_WINDOW_MINUTES: wholeNumber(1).default('60'),
  /** Digest sign-up form posts per client address per 10 minutes. */
  SUBSCRIBE_RATE_LIMIT: wholeNumber(1).default('20'),
  /** Queued mail (sign-in links, confirmations): first retry delay after a temporary failure; doubles per attempt, capped at an hour. */
  MAIL_RETRY_BASE_MS: wholeNumber(0).default('30000'),
  /** A queued message claimed by a sender is free for another after this long (a dead sender on the same host is detected at once). */
  MAIL_LEASE_MS: wholeNumber(1000).default('120000'),
  /** Digests sent in parallel (keep a little above SMTP_MAX_CONNECTIONS). */
  DIGEST_CONCURRENCY: wholeNumber(1, 200).default('20'),
  /** First retry delay after a temporary SMTP failure; doubles per attempt, capped at an hour. */
  DIGEST_RETRY_BASE_MS: wholeNumber(0).default('60000'),
  DIGEST_MAX_ATTEMPTS: wholeNumber(1, 50).default('8'),
  /** How long one `digest` run waits for retries coming due before it returns (later runs take the rest). */
  DIGEST_RUN_MAX_WAIT_MS: wholeNumber(0).default('120000'),
  /** A claimed digest is free for another runner after this long (a dead runner on the same host is detected at once). */
  DIGEST_LEASE_MS: wholeNumber(1000).default('300000'),
  /** Consecutive permanent delivery failures after which an address is disabled. */
  DIGEST_BOUNCE_LIMIT: wholeNumber(1, 100).default('3'),

  // Search
  /** corpus: vectors learned from the stored papers (no downloads); onnx: a sentence-transformers model in ONNX_MODEL_DIR; none: lexical only. */
  EMBEDDER: z.enum(['corpus', 'onnx', 'none']).default('corpus'),
  ONNX_MODEL_DIR: z.string().optional(),
  /** Minimum seconds between two rebuilds of the in-memory search index when papers keep changing. */
  SEARCH_REBUILD_SECONDS: wholeNumber(0).default('300'),
  /** How often each process looks for changed papers and for a newer index snapshot (serve). */
  SEARCH_POLL_SECONDS: wholeNumber(1, 3600).default('10'),
  /**
   * Derive keyphrases and a TL;DR for papers without imported ones while the index is built (stored, so each paper
   * costs it once). false leaves them out: faster first builds where nobody reads them.
   */
  DERIVE_TEXT: bool.default('true'),

  // Community
  SUBMISSION_MAX_AGE_DAYS: wholeNumber(1).default('14'),
  SUBMISSIONS_PER_DAY: wholeNumber(1).default('5'),
  /** Papers one person (or client address) may ask to index per hour, failed lookups included. */
  INDEX_REQUESTS_PER_HOUR: wholeNumber(1).default('10'),
  /** Papers everyone together may ask to index per hour (each is one arXiv API lookup at most). */
  INDEX_REQUESTS_PER_HOUR_TOTAL: wholeNumber(1).default('200'),
  /** How long after posting the author may still edit a comment. */
  COMMENT_EDIT_WINDOW_MINUTES: wholeNumber(0).default('30'),
  /** Password and sign-in link requests per client address per 15 minutes. */
  SIGNIN_RATE_LIMIT: wholeNumber(1).default('20'),
  /** Sign-in links mailed to one address per hour (keeps the form from being used to flood an inbox). */
  MAGIC_LINKS_PER_HOUR: wholeNumber(1).default('5'),
  /** Upvotes per person per minute. */
  VOTE_RATE_LIMIT_PER_MINUTE: wholeNumber(1).default('60'),
  /** Comments per person per hour. */
  COMMENT_RATE_LIMIT_PER_HOUR: wholeNumber(1).default('30'),
  API_RATE_LIMIT_PER_MINUTE: wholeNumber(1).default('600'),
  /** Digest previews composed (not served from the preview cache) per person or client address per minute. */
  DIGEST_PREVIEW_RATE_LIMIT_PER_MINUTE: wholeNumber(1).default('6'),

  // Web
  /** Seconds a rendered anonymous page, API response or feed is reused (0 disables; at most 5 so new upvotes show promptly). */
  PAGE_CACHE_SECONDS: wholeNumber(0, 5).default('5'),
  /**
   * How many reverse proxies stand in front of the app and append to X-Forwarded-For: the client address is the
   * entry that many places from the right (the one the outermost trusted proxy appended). false/0 reads the
   * socket's peer; true means 1. Entries further left are the client's own claims and are ignored.
   */
  TRUST_PROXY: z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => /^(true|false|yes|no|on|off|\d{1,2})$/.test(v), 'expected false, true or the number of trusted proxies (0–99)')
    .transform((v) => (['true', 'yes', 'on'].includes(v) ? 1 : ['false', 'no', 'off'].includes(v) ? 0 : Number(v)))
    .default('false'),
});

export type RawConfig = z.infer<typeof configSchema>;
export type Config = RawConfig & {
  dataDir: string;
  baseUrl: string;
  databaseKind: 'sqlite' | 'postgres';
  sqlitePath: string;
};

/** Names whose values never appear in `config` output or logs. */
const SECRET_KEYS = new Set(['SECRET_KEY', 'GITHUB_TOKEN', 'SMTP_URL', 'DATABASE_URL']);

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the environment. Throws a ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const raw = parsed.data;
  const dataDir = path.resolve(raw.PAPERFEED_DATA_DIR);
  return {
    ...raw,
    dataDir,
    baseUrl: (raw.BASE_URL ?? `http://localhost:${raw.PORT}`).replace(/\/+$/, ''),
    databaseKind: raw.DATABASE_URL ? 'postgres' : 'sqlite',
    sqlitePath: path.join(dataDir, 'paperfeed.sqlite'),
  };
}

/** The effective configuration with secrets replaced, for printing. URLs keep their host, lose credentials. */
export function redactedConfig(config: Config): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    if (SECRET_KEYS.has(key)) out[key] = redactSecret(String(value));
    else out[key] = value;
  }
  return out;
}

function redactSecret(value: string): string {
  try {
    const u = new URL(value);
    if (u.protocol && u.host) {
      if (u.username) u.username = '***';
      if (u.password) u.password = '***';
      return u.toString();
    }
  } catch {
    // not a URL: hide it whole
  }
  return '***';
}
