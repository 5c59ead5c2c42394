// `npm run bench -- cluster [--people 200] [--seconds 60] [--kill-at 20] [--restart-at 40] [--days 10] [--think-ms 500] [--base-port 41900] [--keep]`
//
// Several app processes, proven. Needs PAPERFEED_TEST_PG_URL (the bench makes a schema of its own in that
// database and drops it afterwards) and HAProxy (/usr/sbin/haproxy, Debian's haproxy package).
//
// 1. An empty PostgreSQL schema; `paperfeed import` creates its schema and imports the last --days daily
//    listings of ../shared/data with their Hugging Face days (without ../shared: the committed fixture corpus),
//    then `paperfeed index` builds the search index files.
// 2. Three `paperfeed serve` processes, every one with its scheduler on, and HAProxy in front of them with the
//    shipped deploy/haproxy.cfg (addresses from the environment). Each process answers a hybrid search before
//    the load starts. A local SMTP server takes the mail.
// 3. --people simulated people, each signed in with a session cookie (pages, forms with CSRF tokens) and an
//    access token (the script API), browse listings and paper pages, search, vote, comment and subscribe to
//    digests through the proxy for --seconds. One app process is SIGKILLed at --kill-at and started again at
//    --restart-at. Every request carries an X-Request-ID; HAProxy's access log says which process served it.
// 4. Afterwards the database is reconciled with what the people were told, and the job-run table with the
//    schedule. The last line is:
//    requests=N errors=N errors_outside_killed=N acknowledged_writes=N stored_writes=N lost=N duplicated=N jobs_exactly_once=true|false p95_ms=N
//
// --keep leaves the data dir (with HAProxy's access log, haproxy.log) in the temporary directory.
//
// Definitions.
// - error: a request answered with a status of 400 or more, or not answered at all. errors_outside_killed: the
//   errors that HAProxy's log does not attribute to the killed process. A request with no log line counts here,
//   except one sent before the killed process was gone (its exit seen) whose connection HAProxy closed without an
//   answer within 5 s after the kill (HAProxy does that, unlogged, when the process a request went to dies before
//   answering).
// - write: a vote (POST /api/papers/{id}/upvote {"upvoted": true|false}), a comment (half through the API, half
//   through the paper page's form) or a digest subscription (the /subscribe form). Acknowledged: answered with a
//   2xx, or the 303 that ends a form post.
// - A comment carries a unique marker in its text. It is stored when its marker is in the database; a marker
//   found more than once is duplicated (each extra copy counts).
// - A vote sets a state (upvoted or not). After an error a person sends the same state again until it is
//   acknowledged, as a client of a set-state API would. A vote counts as stored when the stored state of its
//   (person, paper) is the one the person's last acknowledged vote set; the earlier acknowledged votes there were
//   superseded by that one. A digest sign-up goes to an address of its own (a second sign-up of an address within
//   the mail window changes nothing, by design) and is sent again after an error like a vote; it is stored when
//   the address is subscribed with the frequency asked for.
// - Mail: every stored sign-up, acknowledged or not, queued one confirmation mail; each address must have received
//   exactly one (printed as "every sign-up got exactly one"; the run fails otherwise).
// - lost = acknowledged writes not stored. A write that got an error is not acknowledged: the killed process may
//   have committed it before dying (a 502 for a POST that is in the database), which is neither lost nor
//   duplicated. The proxy never resends a POST that reached a process (deploy/haproxy.cfg), so none is stored twice.
// - jobs_exactly_once: the cheap jobs (mail-queue every 5 s, digest every 10 s, via SCHEDULE_OVERRIDES) have
//   exactly one successful run for every slot from the first one after the processes started to the last one
//   that had 2 s to run before the load ended, and no slot has two; other runs of a slot may only be runs the
//   killed process had started ('crashed'). A slot that passed while a run of the same job went on from before
//   it until the next slot is not owed a run: the scheduler runs one job at a time per lease and keeps no backlog
//   of slots (such slots are counted and printed).
// - p95_ms: the 95th percentile of every request's time as the person saw it, through the proxy.
//
// Limits: the 200 people come from one address (127.0.0.1, as HAProxy's X-Forwarded-For says), and the per-person
// quotas are sized for people, not for a load test. The bench raises VOTE_RATE_LIMIT_PER_MINUTE,
// COMMENT_RATE_LIMIT_PER_HOUR, SUBSCRIBE_RATE_LIMIT, SIGNIN_RATE_LIMIT and API_RATE_LIMIT_PER_MINUTE to 1,000,000 on
// the app processes, so every refusal would be an error rather than a throttle by design.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createApiToken, createSession } from '../src/db/sessions.ts';
import { JOURNALED_HAND_OFF } from '../src/db/mail-queue.ts';
import { isoWeekKey } from '../src/domain/periods.ts';
import { cronFor } from '../src/jobs/slots.ts';
import { createTestDatabase, PG_URL, type TestDatabase } from '../test/helpers/db.ts';
import { CORPUS } from '../test/helpers/corpus.ts';
import { makeUser } from '../test/helpers/factory.ts';
import { startPaperfeed, type PaperfeedProcess } from '../test/helpers/paperfeed-process.ts';
import { hasSharedData, sharedPath } from '../test/helpers/shared-data.ts';
import { startSmtpServer } from '../test/helpers/smtp-server.ts';

const REPO = path.resolve(import.meta.dirname, '..');
const HAPROXY = '/usr/sbin/haproxy';
/** The cheap jobs whose slots are checked, with their pattern for the run; everything that reaches out is off. */
const CHECKED_JOBS: Record<string, string> = { 'mail-queue': '*/5 * * * * *', digest: '*/10 * * * * *' };
const SCHEDULE_OVERRIDES = [
  'harvest-oai=off',
  'harvest-listing=off',
  'index-requests=off',
  'github-stars=off',
  'hf-sync=off',
  ...Object.entries(CHECKED_JOBS).map(([j, p]) => `${j}=${p}`),
].join(';');
const UNTHROTTLED = '1000000';
const SEARCHES = [
  'diffusion models',
  'language model reasoning',
  'vision transformer',
  'reinforcement learning',
  'graph neural network',
  'speech recognition',
  'retrieval augmented generation',
  'benchmark evaluation',
  'image segmentation',
  '3d reconstruction',
];

interface Person {
  index: number;
  cookie: string;
  csrf: string;
  token: string;
  userId: string;
  /** Digest sign-ups so far: each goes to an address of its own. */
  signUps: number;
}

type Kind = 'listing' | 'paper' | 'search' | 'vote' | 'comment-api' | 'comment-form' | 'subscribe';
const MIX: [Kind, number][] = [
  ['listing', 26],
  ['paper', 22],
  ['search', 16],
  ['vote', 18],
  ['comment-api', 6],
  ['comment-form', 6],
  ['subscribe', 6],
];

interface Outcome {
  id: string;
  kind: Kind;
  status: number | null;
  ms: number;
  ok: boolean;
  /** Why no answer came (status null). */
  failure?: string;
  /** When it was sent and when it was answered, in ms since the load started. */
  sentAt: number;
  at: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function log(message: string): void {
  console.log(`[cluster ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

/** What to import: the last `days` listing files of ../shared/data with the Hugging Face days of those dates, or the fixture corpus. */
function dataToImport(days: number): { paths: string[]; label: string } {
  if (!hasSharedData) return { paths: [CORPUS], label: 'the committed fixture corpus (test/fixtures/corpus; ../shared/data is absent)' };
  const listingDir = sharedPath('arxiv-daily-listings', 'days');
  const listings = fs
    .readdirSync(listingDir)
    .filter((f) => f.endsWith('.jsonl.gz'))
    .sort()
    .slice(-days);
  const dates = new Set(listings.map((f) => f.slice(0, 10)));
  const hfDir = sharedPath('hf-daily-papers-api', 'days');
  const hf = fs.readdirSync(hfDir).filter((f) => dates.has(f.slice(0, 10)));
  return {
    paths: [...listings.map((f) => path.join(listingDir, f)), ...hf.map((f) => path.join(hfDir, f))],
    label: `../shared/data: the last ${listings.length} daily listing files (${listings[0].slice(0, 10)} … ${listings.at(-1)!.slice(0, 10)}) and ${hf.length} Hugging Face days of those dates`,
  };
}

async function runCli(args: string[], env: Record<string, string>): Promise<string> {
  const child = startPaperfeed(args, env);
  const { code } = await child.exited;
  const { stdout, stderr } = child.output();
  if (code !== 0) throw new Error(`paperfeed ${args.join(' ')} exited with ${code}:\n${stderr.slice(-3000)}`);
  return stdout;
}

/**
 * HAProxy with the shipped configuration, addresses from the environment. Its access log goes straight to a file:
 * HAProxy drops log lines it cannot write at once, which a pipe read by this busy process would make it do.
 */
function startHaproxy(env: Record<string, string>, logFile: string): { child: ChildProcess; lines(): string[]; stop(): Promise<void> } {
  const log = fs.openSync(logFile, 'a');
  const child = spawn(HAPROXY, ['-db', '-f', path.join(REPO, 'deploy/haproxy.cfg')], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', log, 'pipe'],
  });
  fs.closeSync(log);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.on('exit', (code, signal) => {
    if (code && !signal) console.error(`haproxy exited with ${code}: ${stderr}`);
  });
  return {
    child,
    lines: () => fs.readFileSync(logFile, 'utf8').split('\n'),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** request id → the app process HAProxy sent it to last (after any retries), from its access log. */
function upstreamsFromLog(lines: string[]): Map<string, { server: string; status: number; retries: string }> {
  const out = new Map<string, { server: string; status: number; retries: string }>();
  // … [date] paperfeed apps/app2 0/0/0/-1/5 502 209 - - SH-- 200/200/55/18/+1 0/0 {request-id} "POST /… HTTP/1.1"
  const pattern = /\] \S+ \S+\/(\S+) \S+ (-?\d+) \S+ \S+ \S+ \S+ \d+\/\d+\/\d+\/\d+\/(\+?\d+) \S+ \{([^}]*)\}/;
  for (const line of lines) {
    const m = pattern.exec(line);
    if (m) out.set(m[4], { server: m[1], status: Number(m[2]), retries: m[3] });
  }
  return out;
}

async function waitForSearch(port: number, deadlineMs: number): Promise<string> {
  const deadline = Date.now() + deadlineMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/papers/search?q=${encodeURIComponent('language model')}&limit=5`, {
        signal: AbortSignal.timeout(120_000),
      });
      const body = (await res.json()) as { scoreParts?: { semantic?: number } }[];
      if (res.ok && Array.isArray(body) && body.length) {
        if (body.some((h) => h.scoreParts?.semantic !== undefined)) return 'hybrid';
        last = 'lexical only so far';
      } else last = `status ${res.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await sleep(1000);
  }
  return `not ready (${last})`;
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      people: { type: 'string', default: '200' },
      seconds: { type: 'string', default: '60' },
      'kill-at': { type: 'string', default: '20' },
      'restart-at': { type: 'string', default: '40' },
      days: { type: 'string', default: '10' },
      'think-ms': { type: 'string', default: '500' },
      'base-port': { type: 'string', default: '41900' },
      keep: { type: 'boolean', default: false },
    },
  });
  const peopleCount = Number(values.people);
  const seconds = Number(values.seconds);
  const killAt = Number(values['kill-at']) * 1000;
  const restartAt = Number(values['restart-at']) * 1000;
  const thinkMs = Number(values['think-ms']);
  const basePort = Number(values['base-port']);
  if (!PG_URL) {
    console.error('The cluster bench needs PostgreSQL: set PAPERFEED_TEST_PG_URL (see README, Development).');
    process.exitCode = 2;
    return;
  }
  if (!fs.existsSync(HAPROXY)) {
    console.error(`The cluster bench needs HAProxy at ${HAPROXY} (apt-get install haproxy).`);
    process.exitCode = 2;
    return;
  }
  const runId = crypto.randomBytes(4).toString('hex');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-bench-'));
  const proxyPort = basePort;
  const appPorts = [basePort + 1, basePort + 2, basePort + 3];
  const proxyUrl = `http://127.0.0.1:${proxyPort}`;
  const store: TestDatabase = await createTestDatabase('postgres', { migrated: false });
  const smtp = await startSmtpServer({ port: basePort + 4 });
  const processes: PaperfeedProcess[] = [];
  let haproxy: ReturnType<typeof startHaproxy> | null = null;
  try {
    // 1. The store: `import` creates the schema of the empty database, `index` builds the search files.
    const data = dataToImport(Number(values.days));
    log(`importing ${data.label} into an empty PostgreSQL schema (${store.location})`);
    const cliEnv = { ...store.env, PAPERFEED_DATA_DIR: dataDir, LOG_LEVEL: 'info' };
    const imported = await runCli(['import', ...data.paths], cliEnv);
    log(
      imported
        .split('\n')
        .filter((l) => /^(inserted|errors|time)/.test(l))
        .join('; '),
    );
    log((await runCli(['index', '--no-keyphrases'], cliEnv)).trim().split('\n').at(-1)!);

    // 2. Three app processes and the proxy.
    const appEnv = (port: number): Record<string, string> => ({
      ...store.env,
      PAPERFEED_DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: String(port),
      BASE_URL: proxyUrl,
      TRUST_PROXY: '1',
      HTTP_KEEP_ALIVE_SECONDS: '65',
      SCHEDULER: 'true',
      HARVEST_ON_START: 'false',
      HF_SYNC: 'false',
      SCHEDULE_OVERRIDES,
      SCHEDULER_TICK_MS: '1000',
      // The killed process's leases are taken over at once (its pid is gone on this host); a lease only has to
      // outlast the longest pause of a loaded process, or a stalled holder's run is taken over and done twice.
      JOB_LEASE_MS: '60000',
      SMTP_URL: smtp.url,
      MAIL_LEASE_MS: '10000',
      LOG_LEVEL: 'warn',
      VOTE_RATE_LIMIT_PER_MINUTE: UNTHROTTLED,
      COMMENT_RATE_LIMIT_PER_HOUR: UNTHROTTLED,
      SUBSCRIBE_RATE_LIMIT: UNTHROTTLED,
      SIGNIN_RATE_LIMIT: UNTHROTTLED,
      API_RATE_LIMIT_PER_MINUTE: UNTHROTTLED,
    });
    for (const port of appPorts) processes.push(startPaperfeed(['serve'], appEnv(port)));
    await Promise.all(processes.map((p) => p.waitFor(/Paperfeed is serving/, 180_000)));
    const startedAt = Date.now();
    const proxyEnv = {
      PAPERFEED_PROXY_BIND: `127.0.0.1:${proxyPort}`,
      PAPERFEED_APP1: `127.0.0.1:${appPorts[0]}`,
      PAPERFEED_APP2: `127.0.0.1:${appPorts[1]}`,
      PAPERFEED_APP3: `127.0.0.1:${appPorts[2]}`,
    };
    haproxy = startHaproxy(proxyEnv, path.join(dataDir, 'haproxy.log'));
    const search = await Promise.all(appPorts.map((port) => waitForSearch(port, 300_000)));
    log(`search on each process before the load: ${search.join(', ')}`);

    // 3. People: an account each, a session and an access token made in the store, a CSRF token fetched through the proxy.
    const papers = (await store.db.selectFrom('papers').select('id').orderBy('id').execute()).map((r) => r.id);
    const days = (await store.db.selectFrom('daily_entries').select('day').distinct().orderBy('day').execute()).map((r) => r.day);
    const hot = papers.filter((_, i) => i % Math.max(1, Math.floor(papers.length / 60)) === 0).slice(0, 60);
    const people: Person[] = [];
    for (let i = 0; i < peopleCount; i++) {
      const user = await makeUser(store, { username: `bench${runId}p${i}` });
      const session = await createSession(store, user.id, { ttlMs: 86_400_000, userAgent: 'cluster bench' });
      const { token } = await createApiToken(store, user.id, 'cluster bench');
      people.push({ index: i, cookie: `pf_session=${session.token}`, csrf: '', token, userId: user.id, signUps: 0 });
    }
    await Promise.all(
      people.map(async (p) => {
        const res = await fetch(`${proxyUrl}/subscribe`, { headers: { cookie: p.cookie } });
        const csrfCookie = res.headers
          .getSetCookie()
          .find((c) => c.startsWith('pf_csrf='))!
          .split(';')[0];
        p.cookie = `${p.cookie}; ${csrfCookie}`;
        p.csrf = /name="_csrf" value="([^"]+)"/.exec(await res.text())![1];
      }),
    );
    log(
      `${papers.length} papers over ${days.length} days; ${people.length} people signed in; load for ${seconds} s, SIGKILL app2 at ${killAt / 1000} s, restart at ${restartAt / 1000} s`,
    );

    // 4. The load.
    const outcomes: Outcome[] = [];
    const lastVote = new Map<string, { upvoted: boolean; acks: number }>();
    const subscribed = new Map<string, string>(); // address → the frequency acknowledged
    const comments = new Map<string, boolean>(); // marker → acknowledged
    let seq = 0;
    const loadStart = Date.now();
    const end = loadStart + seconds * 1000;
    let killedAt = Infinity;
    /** When the kernel had ended the killed process (its exit seen): its sockets were open until then. */
    let goneAt = Infinity;
    let restartedAt = Infinity;
    let killedPid = '';
    const killer = (async () => {
      await sleep(killAt);
      killedPid = String(processes[1].child.pid);
      const killed = processes[1];
      killed.child.kill('SIGKILL');
      killedAt = Date.now() - loadStart;
      log(`SIGKILL app2 (pid ${killed.child.pid})`);
      void killed.exited.then(() => {
        goneAt = Date.now() - loadStart;
        log(`app2's exit seen ${goneAt - killedAt} ms after the SIGKILL`);
      });
      await sleep(Math.max(0, restartAt - (Date.now() - loadStart)));
      processes[1] = startPaperfeed(['serve'], appEnv(appPorts[1]));
      restartedAt = Date.now() - loadStart;
      log('app2 started again');
      await processes[1].waitFor(/Paperfeed is serving/, 180_000);
      log(`app2 serving again (${((Date.now() - loadStart) / 1000).toFixed(1)} s)`);
    })();
    const progress = setInterval(() => {
      const errors = outcomes.filter((o) => !o.ok).length;
      log(`${((Date.now() - loadStart) / 1000).toFixed(0)} s: ${outcomes.length} requests, ${errors} errors`);
    }, 5000);

    async function request(person: Person, kind: Kind, url: string, init: RequestInit = {}): Promise<{ status: number | null; body: string }> {
      const id = `${runId}-${person.index}-${++seq}`;
      const sentAt = Date.now() - loadStart;
      const t0 = performance.now();
      let status: number | null = null;
      let body = '';
      let failure: string | undefined;
      try {
        const res = await fetch(proxyUrl + url, {
          ...init,
          redirect: 'manual',
          headers: { ...(init.headers as Record<string, string>), 'x-request-id': id },
          signal: AbortSignal.timeout(90_000),
        });
        status = res.status;
        body = await res.text();
      } catch (e) {
        status = null;
        const err = e as Error & { cause?: Error & { code?: string } };
        failure = `${err.name}: ${err.message}${err.cause ? ` (${err.cause.code ?? ''} ${err.cause.message})` : ''}`;
      }
      outcomes.push({ id, kind, status, failure, ms: performance.now() - t0, ok: status !== null && status < 400, sentAt, at: Date.now() - loadStart });
      return { status, body };
    }

    const browser = (p: Person) => ({ cookie: p.cookie });
    const form = (p: Person, fields: Record<string, string>) => ({
      method: 'POST',
      headers: { cookie: p.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: p.csrf, ...fields }).toString(),
    });
    const api = (p: Person, body: unknown) => ({
      method: 'POST',
      headers: { authorization: `Bearer ${p.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    /** A set-state write: sent again after an error until it is acknowledged (or the load is over). */
    async function untilAcknowledged(send: () => Promise<{ status: number | null }>, acknowledged: (s: number) => boolean): Promise<boolean> {
      for (;;) {
        const { status } = await send();
        if (status !== null && acknowledged(status)) return true;
        if (Date.now() > end + 30_000) return false;
        await sleep(200);
      }
    }

    async function act(p: Person, random: () => number): Promise<void> {
      let roll = random() * MIX.reduce((a, [, w]) => a + w, 0);
      const kind = MIX.find(([, w]) => (roll -= w) < 0)![0];
      const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
      switch (kind) {
        case 'listing': {
          const day = pick(days);
          await request(p, kind, pick(['/', `/papers/date/${day}`, `/papers/week/${isoWeekKey(day)}`, '/papers/trending']), { headers: browser(p) });
          return;
        }
        case 'paper':
          await request(p, kind, `/papers/${pick(random() < 0.5 ? hot : papers)}`, { headers: browser(p) });
          return;
        case 'search':
          await request(p, kind, `/search?q=${encodeURIComponent(pick(SEARCHES))}`, { headers: browser(p) });
          return;
        case 'vote': {
          const paper = pick(hot);
          const upvoted = random() < 0.6;
          const key = `${p.userId}/${paper}`;
          const ok = await untilAcknowledged(
            () => request(p, kind, `/api/papers/${paper}/upvote`, api(p, { upvoted })),
            (s) => s === 200,
          );
          if (ok) lastVote.set(key, { upvoted, acks: (lastVote.get(key)?.acks ?? 0) + 1 });
          return;
        }
        case 'comment-api':
        case 'comment-form': {
          const paper = pick(hot);
          const marker = `[bench ${runId} ${p.index}.${++seq}]`;
          const text = `${pick(['Interesting result.', 'How does this compare to the baseline?', 'The ablation in section 4 is convincing.', 'Code link?'])} ${marker}`;
          const { status } =
            kind === 'comment-api'
              ? await request(p, kind, `/api/papers/${paper}/comment`, api(p, { comment: text }))
              : await request(p, kind, `/papers/${paper}/comments`, form(p, { body: text, back: `/papers/${paper}` }));
          comments.set(marker, status === (kind === 'comment-api' ? 201 : 303));
          return;
        }
        case 'subscribe': {
          const frequency = random() < 0.5 ? 'daily' : 'weekly';
          const email = `reader-${runId}-${p.index}-${++p.signUps}@bench.example`;
          const fields = { email, frequency, paperCount: '10', timeZone: 'UTC', sendHour: '7', categories: 'cs.CL' };
          const ok = await untilAcknowledged(
            () => request(p, kind, '/subscribe', form(p, fields)),
            (s) => s === 200,
          );
          if (ok) subscribed.set(email, frequency);
          return;
        }
      }
    }

    await Promise.all(
      people.map(async (p) => {
        let state = p.index + 1;
        const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
        await sleep(random() * thinkMs);
        while (Date.now() < end) {
          await act(p, random);
          await sleep(random() * 2 * thinkMs);
        }
      }),
    );
    clearInterval(progress);
    const loadEnd = Date.now();
    await killer;
    // A last scheduled run or two, then stop everything and read the logs.
    await sleep(2000);
    await Promise.all(processes.map((p) => p.stop('SIGTERM')));
    await haproxy.stop();

    // 5. Reconcile.
    const upstream = upstreamsFromLog(haproxy.lines());
    const errors = outcomes.filter((o) => !o.ok);
    // The killed process served a request when the log names app2, the request was still unanswered when it was
    // killed, and was sent before its successor started (which is app2 in the log too). HAProxy writes no log line
    // when a request it sent on a reused connection gets the connection closed before any answer: it closes the
    // client's connection instead (HTTP/1.1's signal that the request may be retried). The live processes keep idle
    // connections open longer than the run (HTTP_KEEP_ALIVE_SECONDS), so such a close, of a request sent before the
    // killed process was gone and cut off within 5 s after the kill, comes from the killed process. Gone, not
    // killed: until the kernel has torn a killed process down, its listening socket still completes connections,
    // which it then resets.
    const goneBy = Number.isFinite(goneAt) ? goneAt : killedAt;
    const cutOffByKill = (o: Outcome) => o.status === null && !upstream.has(o.id) && o.sentAt < goneBy && o.at >= killedAt && o.at < killedAt + 5000;
    const onKilled = (o: Outcome) => (upstream.get(o.id)?.server === 'app2' && o.at >= killedAt && o.sentAt < restartedAt) || cutOffByKill(o);
    const errorsOutside = errors.filter((o) => !onKilled(o));
    const storedMarkers = new Map<string, number>();
    const rows = await store.db.selectFrom('comments').select('body').where('body', 'like', `%[bench ${runId} %`).execute();
    for (const r of rows) {
      const m = /\[bench [0-9a-f]+ \d+\.\d+\]/.exec(r.body);
      if (m) storedMarkers.set(m[0], (storedMarkers.get(m[0]) ?? 0) + 1);
    }
    const ackedComments = [...comments].filter(([, acked]) => acked).map(([m]) => m);
    const storedComments = ackedComments.filter((m) => storedMarkers.has(m)).length;
    const duplicated = [...storedMarkers.values()].reduce((a, n) => a + Math.max(0, n - 1), 0);
    const votes = new Set((await store.db.selectFrom('votes').select(['user_id', 'paper_id']).execute()).map((v) => `${v.user_id}/${v.paper_id}`));
    let ackedVotes = 0;
    let storedVotes = 0;
    for (const [key, last] of lastVote) {
      ackedVotes += last.acks;
      if (votes.has(key) === last.upvoted) storedVotes += last.acks;
    }
    const subscriptions = new Map((await store.db.selectFrom('subscriptions').select(['email', 'frequency']).execute()).map((s) => [s.email, s.frequency]));
    const ackedSubscriptions = subscribed.size;
    const storedSubscriptions = [...subscribed].filter(([email, frequency]) => subscriptions.get(email) === frequency).length;
    const acknowledged = ackedComments.length + ackedVotes + ackedSubscriptions;
    const stored = storedComments + storedVotes + storedSubscriptions;
    const counters = await store.db
      .selectFrom('papers as p')
      .select(['p.id', 'p.community_upvotes', 'p.community_comments'])
      .select((eb) => [
        eb
          .selectFrom('votes as v')
          .whereRef('v.paper_id', '=', 'p.id')
          .select((e) => e.fn.countAll<number>().as('n'))
          .as('vote_rows'),
        eb
          .selectFrom('comments as c')
          .whereRef('c.paper_id', '=', 'p.id')
          .where('c.deleted_at', 'is', null)
          .where('c.hidden_at', 'is', null)
          .select((e) => e.fn.countAll<number>().as('n'))
          .as('comment_rows'),
      ])
      .where('p.id', 'in', hot)
      .execute();
    const drift = counters.filter((c) => Number(c.vote_rows) !== Number(c.community_upvotes) || Number(c.comment_rows) !== Number(c.community_comments));

    // Jobs: one successful run per slot in the window, never two; a slot that passed while a run of the job
    // went on from it until the next slot is skipped by design (one run at a time per lease, no backlog of slots).
    const runs = await store.db
      .selectFrom('job_runs')
      .select(['job', 'slot', 'status', 'holder', 'attempt', 'started_at', 'finished_at'])
      .where('job', 'in', Object.keys(CHECKED_JOBS))
      .execute();
    const jobLines: string[] = [];
    let jobsExactlyOnce = true;
    for (const [job, pattern] of Object.entries(CHECKED_JOBS)) {
      const expected: string[] = [];
      const cron = cronFor(pattern);
      for (let t = cron.nextRun(new Date(startedAt)); t && t.getTime() <= loadEnd - 2000; t = cron.nextRun(t)) expected.push(t.toISOString());
      const bySlot = new Map<string, typeof runs>();
      for (const r of runs.filter((r) => r.job === job)) bySlot.set(r.slot, [...(bySlot.get(r.slot) ?? []), r]);
      const ofJob = runs.filter((r) => r.job === job);
      const busyThrough = (slot: string) => {
        const from = Date.parse(slot);
        const until = cron.nextRun(new Date(slot))!.getTime();
        return ofJob.some((r) => Date.parse(r.started_at) <= from && (r.finished_at ? Date.parse(r.finished_at) : Infinity) >= until);
      };
      const notDone = expected.filter((s) => !(bySlot.get(s) ?? []).some((r) => r.status === 'ok'));
      const skippedWhileBusy = notDone.filter(busyThrough);
      const missing = notDone.filter((s) => !busyThrough(s));
      const seconds = ofJob
        .filter((r) => r.finished_at)
        .map((r) => (Date.parse(r.finished_at!) - Date.parse(r.started_at)) / 1000)
        .sort((a, b) => a - b);
      const twice = [...bySlot].filter(([, rs]) => rs.filter((r) => r.status === 'ok').length > 1).map(([s]) => s);
      const otherRuns = [...bySlot.values()].flat().filter((r) => r.status !== 'ok');
      const unexplained = otherRuns.filter((r) => r.status !== 'crashed' || r.holder.split(':')[1] !== killedPid);
      if (missing.length || twice.length || unexplained.length) jobsExactlyOnce = false;
      const holders = new Set(
        [...bySlot.values()]
          .flat()
          .filter((r) => r.status === 'ok')
          .map((r) => r.holder.split(':')[1]),
      );
      jobLines.push(
        `${job} (${pattern}): ${expected.length} slots in the window, ${expected.length - notDone.length} ran once, ${skippedWhileBusy.length} passed while a run went on until the next slot, missing ${missing.length ? missing.join(' ') : 0}, twice ${twice.length ? twice.join(' ') : 0}, crashed runs of the killed process ${otherRuns.length - unexplained.length}, other failures ${unexplained.length}; run by ${holders.size} processes; a run took p50 ${percentile(seconds, 50).toFixed(1)} s, max ${(seconds.at(-1) ?? NaN).toFixed(1)} s`,
      );
    }

    // Mail: every stored sign-up (acknowledged or not) queued one confirmation; each must have arrived once.
    const queue = await store.db
      .selectFrom('mail_queue')
      .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    const journaled = await store.db
      .selectFrom('mail_queue')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('smtp_response', '=', JOURNALED_HAND_OFF)
      .executeTakeFirstOrThrow();
    const messageIds = smtp.received.map((m) => m.parsed.messageId);
    const mailsTo = new Map<string, number>();
    for (const m of smtp.received) for (const to of m.envelopeTo) mailsTo.set(to, (mailsTo.get(to) ?? 0) + 1);
    const signedUp = [...subscriptions.keys()].filter((email) => email.startsWith(`reader-${runId}-`));
    const mailExactlyOnce = signedUp.every((email) => mailsTo.get(email) === 1) && [...mailsTo.keys()].every((to) => subscriptions.has(to));

    // 6. Report.
    const sorted = outcomes.map((o) => o.ms).sort((a, b) => a - b);
    const byKind = new Map<Kind, Outcome[]>();
    for (const o of outcomes) byKind.set(o.kind, [...(byKind.get(o.kind) ?? []), o]);
    const served = new Map<string, number>();
    for (const { server } of upstream.values()) served.set(server, (served.get(server) ?? 0) + 1);
    console.log('');
    console.log(`data: ${data.label}; ${papers.length} papers`);
    console.log(
      `${people.length} people for ${seconds} s through HAProxy (deploy/haproxy.cfg) to 3 paperfeed serve processes on PostgreSQL; app2 SIGKILLed at ${(killedAt / 1000).toFixed(1)} s, started again at ${(restartedAt / 1000).toFixed(1)} s (pid ${killedPid} killed)`,
    );
    console.log(
      `requests ${outcomes.length} (${(outcomes.length / ((loadEnd - loadStart) / 1000)).toFixed(0)}/s), served by ${[...served]
        .sort()
        .map(([s, n]) => `${s} ${n}`)
        .join(', ')}; requests retried on another process by the proxy: ${[...upstream.values()].filter((u) => u.retries.startsWith('+')).length}`,
    );
    for (const [kind, list] of [...byKind].sort()) {
      const s = list.map((o) => o.ms).sort((a, b) => a - b);
      const statuses = new Map<string, number>();
      for (const o of list) statuses.set(String(o.status ?? 'none'), (statuses.get(String(o.status ?? 'none')) ?? 0) + 1);
      console.log(
        `  ${kind.padEnd(13)} ${String(list.length).padStart(6)}  p50 ${percentile(s, 50).toFixed(0)} ms  p95 ${percentile(s, 95).toFixed(0)} ms  statuses ${[...statuses].map(([k, v]) => `${k}:${v}`).join(' ')}`,
      );
    }
    for (const e of errors) {
      const u = upstream.get(e.id);
      const where = u?.server ?? (cutOffByKill(e) ? 'app2 (no log line: connection closed by HAProxy at the kill)' : 'unknown (no log line)');
      console.log(
        `  error ${e.kind} sent at ${(e.sentAt / 1000).toFixed(1)} s, answered at ${(e.at / 1000).toFixed(1)} s: ${e.status ?? e.failure}, process ${where}${onKilled(e) ? '' : '  ← outside the killed process'}`,
      );
    }
    console.log(
      `writes acknowledged: ${ackedComments.length} comments, ${ackedVotes} votes, ${ackedSubscriptions} subscriptions; stored: ${storedComments}, ${storedVotes}, ${storedSubscriptions}`,
    );
    console.log(
      `comments not acknowledged (errors) found stored anyway: ${[...comments].filter(([m, acked]) => !acked && storedMarkers.has(m)).length} of ${[...comments].filter(([, acked]) => !acked).length}`,
    );
    console.log(`counters off their rows on ${drift.length} of ${hot.length} papers`);
    for (const line of jobLines) console.log(line);
    console.log(
      `mail queue: ${queue.map((q) => `${q.status} ${q.n}`).join(', ')} (${Number(journaled.n)} of them recorded from a killed sender's hand-off journal); confirmation mails received ${messageIds.length} (distinct Message-IDs ${new Set(messageIds).size}) for ${signedUp.length} stored sign-ups; every sign-up got exactly one: ${mailExactlyOnce}`,
    );
    console.log(
      `machine: ${os.cpus().length} cores, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} (shared with other work)`,
    );
    console.log(
      `reproduce: PAPERFEED_TEST_PG_URL=<url> nice -n 10 npm run bench -- cluster --people ${peopleCount} --seconds ${seconds} --kill-at ${killAt / 1000} --restart-at ${restartAt / 1000} --days ${values.days} --think-ms ${thinkMs}`,
    );
    const lost = acknowledged - stored;
    console.log(
      `requests=${outcomes.length} errors=${errors.length} errors_outside_killed=${errorsOutside.length} acknowledged_writes=${acknowledged} stored_writes=${stored} lost=${lost} duplicated=${duplicated} jobs_exactly_once=${jobsExactlyOnce} p95_ms=${Math.round(percentile(sorted, 95))}`,
    );
    if (lost || duplicated || errorsOutside.length || !jobsExactlyOnce || !mailExactlyOnce) process.exitCode = 1;
  } finally {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await haproxy?.stop();
    await smtp.stop();
    await store.drop();
    if (values.keep) console.log(`kept ${dataDir} (HAProxy's access log: haproxy.log)`);
    else fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
