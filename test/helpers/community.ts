// Shared pieces for the community tests: papers to vote on, accounts, a local arXiv API replaying an Atom
// response, and a real `paperfeed serve` child process on a free port.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { Database } from '../../src/db/connect.ts';
import { upsertPapers } from '../../src/db/papers.ts';
import { daysAgo, makePaper } from './factory.ts';
import { hasSharedData, sharedPath } from './shared-data.ts';

export const REPO = path.resolve(import.meta.dirname, '../..');

/** Papers submitted two days ago, recent enough for every list, vote and comment. */
export async function seedPapers(database: Database, ids: string[]): Promise<void> {
  await upsertPapers(
    database,
    ids.map((id) => makePaper({ id, submittedAt: daysAgo(2) })),
  );
}

/**
 * An arXiv API Atom response for one id, published `ageDays` ago. It is the recorded response for 1605.08386
 * from ../shared/data with the id, dates and title replaced (a hand-written copy of its shape when the
 * shared data is absent), so the real Atom parser reads exactly what arXiv sends.
 */
export function atomFor(id: string, title: string, ageDays = 2): string {
  const published = new Date(Date.now() - ageDays * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const file = sharedPath('arxiv-api-atom-responses', 'id_1605.08386_s0_m100_199195aa31ad.json');
  const recorded = hasSharedData && fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')).body as string) : FALLBACK_ATOM;
  const escaped = title.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return recorded
    .replaceAll('1605.08386', id)
    .replace(/<title>Heat-bath random walks with Markov bases<\/title>/, `<title>${escaped}</title>`)
    .replace(/2016-05-26T17:59:46Z/g, published);
}

const FALLBACK_ATOM = `<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/test</id>
  <title>arXiv Query: id_list=1605.08386</title>
  <updated>2026-04-12T22:10:19Z</updated>
  <opensearch:itemsPerPage>100</opensearch:itemsPerPage>
  <opensearch:totalResults>1</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
  <entry>
    <id>http://arxiv.org/abs/1605.08386v1</id>
    <title>Heat-bath random walks with Markov bases</title>
    <updated>2016-05-26T17:59:46Z</updated>
    <link href="https://arxiv.org/abs/1605.08386v1" rel="alternate" type="text/html"/>
    <summary>Graphs on lattice points are studied whose edges come from a finite set of allowed moves.</summary>
    <category term="math.CO" scheme="http://arxiv.org/schemas/atom"/>
    <published>2016-05-26T17:59:46Z</published>
    <arxiv:primary_category term="math.CO"/>
    <author><name>Caprice Stanley</name></author>
  </entry>
</feed>
`;

/** A local stand-in for export.arxiv.org/api/query: answers id_list lookups from `bodies`. */
export async function startArxivServer(bodies: Map<string, string>): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(url.search);
    // One feed with an entry for each id it knows, as arXiv answers a batch.
    const known = (url.searchParams.get('id_list') ?? '').split(',').flatMap((id) => bodies.get(id) ?? []);
    const entries = known.map((b) => /<entry>[\s\S]*<\/entry>/.exec(b)?.[0] ?? '');
    const body = (known[0] ?? FALLBACK_ATOM)
      .replace(/<entry>[\s\S]*<\/entry>/, () => entries.join('\n'))
      .replace(/<opensearch:totalResults[^>]*>\d+/, (m) => m.replace(/\d+$/, String(entries.length)));
    res.writeHead(200, { 'content-type': 'application/atom+xml; charset=utf-8' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { url: `http://127.0.0.1:${port}/api/query`, requests, close: () => new Promise((r) => server.close(() => r())) };
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

export interface RunningServer {
  baseUrl: string;
  output: () => string;
  stop(): Promise<void>;
}

/** Runs `paperfeed serve` as a child process against the given store and waits until it answers. */
export async function startServer(env: Record<string, string>): Promise<RunningServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [path.join(REPO, 'bin/paperfeed.js'), 'serve'], {
    cwd: REPO,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HOST: '127.0.0.1',
      PORT: String(port),
      BASE_URL: baseUrl,
      LOG_LEVEL: 'warn',
      HARVEST_ON_START: 'false',
      SCHEDULER: 'false',
      HF_SYNC: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`paperfeed serve exited with ${child.exitCode}:\n${out}`);
    try {
      const res = await fetch(`${baseUrl}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`paperfeed serve did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    baseUrl,
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
