// `npm run bench -- load [--users 200] [--seconds 60] [--db sqlite|postgres|both]`
// Many people voting and commenting at once against a real `paperfeed serve`, on SQLite and PostgreSQL.
// Every person is a sequential loop with their own access token; each loop records what the server
// confirmed. At the end the stored counters must equal what the successful responses imply: a vote's final
// state per (person, paper) is the last confirmed one, and every confirmed comment exists exactly once.
// Baseline, measured in the same run at the same concurrency: GET /healthz (the server's floor).
import { parseArgs } from 'node:util';
import type { Database, DatabaseKind } from '../src/db/connect.ts';
import { createApiToken } from '../src/db/sessions.ts';
import { createTestDatabase, PG_URL } from '../test/helpers/db.ts';
import { seedPapers, startServer } from '../test/helpers/community.ts';
import { makeUser } from '../test/helpers/factory.ts';

export interface LoadOptions {
  baseUrl: string;
  tokens: string[];
  paperIds: string[];
  durationMs: number;
  /**
   * Keep going past durationMs until this many requests completed, so a check under a busy machine still
   * exercises the same amount of concurrent writing instead of asserting on throughput.
   */
  minRequests?: number;
  /** Share of requests that are comments; the rest are votes, each the opposite of the last one on that paper. */
  commentShare?: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  statuses: Record<string, number>;
  /** Milliseconds, one per request, unsorted. */
  latencies: number[];
  /** The same split by kind of request. */
  voteLatencies: number[];
  commentLatencies: number[];
  expectedUpvotes: Map<string, number>;
  expectedComments: Map<string, number>;
  elapsedMs: number;
}

export async function driveLoad(o: LoadOptions): Promise<LoadResult> {
  const commentShare = o.commentShare ?? 0.3;
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  const voteLatencies: number[] = [];
  const commentLatencies: number[] = [];
  const confirmedComments = new Map<string, number>();
  const finalVote = o.tokens.map(() => new Map<string, boolean>());
  let errors = 0;
  // Every person opens their keep-alive connection first, outside the measured window: otherwise the first
  // request of each of 200 people measures TCP connection set-up behind a saturated event loop, not the write.
  await Promise.all(o.tokens.map(async () => (await fetch(`${o.baseUrl}/healthz`)).text()));
  const started = Date.now();
  const end = started + o.durationMs;
  await Promise.all(
    o.tokens.map(async (token, person) => {
      let n = person;
      while (Date.now() < end || latencies.length < (o.minRequests ?? 0)) {
        const paperId = o.paperIds[(n = (n * 1103515245 + 12345) % 2147483648) % o.paperIds.length];
        const comment = (n >> 8) % 1000 < commentShare * 1000;
        const t0 = performance.now();
        let status = 'network';
        try {
          const res = await fetch(`${o.baseUrl}/api/papers/${paperId}/${comment ? 'comment' : 'upvote'}`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            // A vote sets the opposite of the person's last confirmed state on that paper (votes are explicit, never toggles).
            body: JSON.stringify(
              comment ? { comment: `load comment from ${person} at ${Date.now()}` } : { upvoted: !(finalVote[person].get(paperId) ?? false) },
            ),
            signal: AbortSignal.timeout(30_000),
          });
          status = String(res.status);
          const body = await res.json();
          if (res.ok && comment) confirmedComments.set(paperId, (confirmedComments.get(paperId) ?? 0) + 1);
          if (res.ok && !comment) finalVote[person].set(paperId, body.upvoted === true);
        } catch (e) {
          status = (e as Error).name;
        }
        const ms = performance.now() - t0;
        latencies.push(ms);
        (comment ? commentLatencies : voteLatencies).push(ms);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (!status.startsWith('2')) errors++;
      }
    }),
  );
  const expectedUpvotes = new Map<string, number>(o.paperIds.map((id) => [id, 0]));
  for (const votes of finalVote) for (const [paperId, up] of votes) if (up) expectedUpvotes.set(paperId, expectedUpvotes.get(paperId)! + 1);
  const expectedComments = new Map<string, number>(o.paperIds.map((id) => [id, confirmedComments.get(id) ?? 0]));
  return {
    requests: latencies.length,
    errors,
    statuses,
    latencies,
    voteLatencies,
    commentLatencies,
    expectedUpvotes,
    expectedComments,
    elapsedMs: Date.now() - started,
  };
}

export interface Reconciliation {
  /** Sum over papers of |expected − stored counter| for votes, and the same for comments. */
  lostVotes: number;
  lostComments: number;
  /** Papers whose counter differs from its own rows (votes or visible comments). */
  counterDrift: string[];
}

export async function reconcile(database: Database, result: LoadResult): Promise<Reconciliation> {
  const out: Reconciliation = { lostVotes: 0, lostComments: 0, counterDrift: [] };
  for (const [paperId, expected] of result.expectedUpvotes) {
    const paper = await database.db
      .selectFrom('papers')
      .select(['community_upvotes', 'community_comments'])
      .where('id', '=', paperId)
      .executeTakeFirstOrThrow();
    const votes = await database.db
      .selectFrom('votes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('paper_id', '=', paperId)
      .executeTakeFirstOrThrow();
    const comments = await database.db
      .selectFrom('comments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('paper_id', '=', paperId)
      .executeTakeFirstOrThrow();
    out.lostVotes += Math.abs(expected - Number(paper.community_upvotes));
    out.lostComments += Math.abs(result.expectedComments.get(paperId)! - Number(paper.community_comments));
    if (Number(votes.n) !== Number(paper.community_upvotes) || Number(comments.n) !== Number(paper.community_comments)) out.counterDrift.push(paperId);
  }
  return out;
}

/** A migrated store with papers and people holding access tokens, ready for a server. */
export async function prepareLoadStore(kind: DatabaseKind, people: number, papers: number) {
  const database = await createTestDatabase(kind);
  const paperIds = Array.from({ length: papers }, (_, i) => `2601.${String(10000 + i)}`);
  await seedPapers(database, paperIds);
  const tokens: string[] = [];
  for (let i = 0; i < people; i++) {
    const user = await makeUser(database, { username: `loaduser${i}` });
    tokens.push((await createApiToken(database, user.id, 'load')).token);
  }
  return { database, paperIds, tokens };
}

/** Server settings for load: per-person quotas out of the way (they would turn load into 429s by design). */
export const LOAD_SERVER_ENV = {
  VOTE_RATE_LIMIT_PER_MINUTE: '100000000',
  COMMENT_RATE_LIMIT_PER_HOUR: '100000000',
  PAGE_CACHE_SECONDS: '0',
};

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

async function baseline(baseUrl: string, concurrency: number, durationMs: number): Promise<{ rps: number; p99: number }> {
  const latencies: number[] = [];
  const end = Date.now() + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        const t0 = performance.now();
        await (await fetch(`${baseUrl}/healthz`)).text();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { rps: latencies.length / (durationMs / 1000), p99: percentile(latencies, 99) };
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      users: { type: 'string', default: '200' },
      seconds: { type: 'string', default: '60' },
      papers: { type: 'string', default: '20' },
      db: { type: 'string', default: 'both' },
    },
  });
  const users = Number(values.users);
  const seconds = Number(values.seconds);
  const kinds: DatabaseKind[] = values.db === 'both' ? (PG_URL ? ['sqlite', 'postgres'] : ['sqlite']) : [values.db as DatabaseKind];
  if (values.db === 'both' && !PG_URL) console.log('PAPERFEED_TEST_PG_URL is not set: PostgreSQL is skipped.');
  let failed = false;
  for (const kind of kinds) {
    const { database, paperIds, tokens } = await prepareLoadStore(kind, users, Number(values.papers));
    const server = await startServer({ ...database.env, ...LOAD_SERVER_ENV });
    try {
      const base = await baseline(server.baseUrl, users, Math.max(5_000, seconds * 100));
      const result = await driveLoad({ baseUrl: server.baseUrl, tokens, paperIds, durationMs: seconds * 1000 });
      const check = await reconcile(database, result);
      const sorted = [...result.latencies].sort((a, b) => a - b);
      const rps = result.requests / (result.elapsedMs / 1000);
      const upvotes = [...result.expectedUpvotes.values()].reduce((a, b) => a + b, 0);
      const comments = [...result.expectedComments.values()].reduce((a, b) => a + b, 0);
      console.log(`\n== ${kind}: ${users} people voting (70%) and commenting (30%) on ${paperIds.length} papers for ${seconds} s`);
      console.log(`requests ${result.requests} (${rps.toFixed(0)}/s), errors ${result.errors}, statuses ${JSON.stringify(result.statuses)}`);
      console.log(
        `latency ms: p50 ${percentile(sorted, 50).toFixed(1)}  p95 ${percentile(sorted, 95).toFixed(1)}  p99 ${percentile(sorted, 99).toFixed(1)}  max ${sorted.at(-1)?.toFixed(1)}`,
      );
      for (const [label, values] of [
        ['votes', result.voteLatencies],
        ['comments', result.commentLatencies],
      ] as const) {
        const s = [...values].sort((a, b) => a - b);
        console.log(`  ${label.padEnd(8)} ${String(s.length).padStart(6)} requests: p50 ${percentile(s, 50).toFixed(1)}  p99 ${percentile(s, 99).toFixed(1)}`);
      }
      console.log(
        `stored: ${upvotes} upvotes and ${comments} comments expected; lost votes ${check.lostVotes}, lost comments ${check.lostComments}, counters off their rows on ${check.counterDrift.length} papers`,
      );
      console.log(
        `baseline GET /healthz at ${users} concurrent: ${base.rps.toFixed(0)}/s, p99 ${base.p99.toFixed(1)} ms → writes run at ${(rps / base.rps).toFixed(2)}× its throughput, p99 ${(percentile(sorted, 99) / base.p99).toFixed(1)}× its p99`,
      );
      if (result.errors || check.lostVotes || check.lostComments || check.counterDrift.length) failed = true;
    } finally {
      await server.stop();
      await database.drop();
    }
  }
  console.log(`\nreproduce: PAPERFEED_TEST_PG_URL=${PG_URL ? '<url>' : ''} npm run bench -- load --users ${users} --seconds ${seconds} --db ${values.db}`);
  if (failed) {
    console.log('FAILED: errors or lost updates (see above)');
    process.exitCode = 1;
  }
}
