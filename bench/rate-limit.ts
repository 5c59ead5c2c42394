// `npm run bench -- rate-limit [--hits=N]`: what one rate-limit hit costs. The limiter is counted in the database so
// several processes enforce one limit (src/web/security/rate-limit.ts); the baseline, measured in the same run, is a
// fixed-window counter in a Map (what a per-process limiter costs). Measured: the exact limiter (one upsert per
// hit: the sign-in, vote and comment limits) and the batched one (the API limit: one upsert per `batch` hits of a
// client), each with 500 clients hitting in turn, on SQLite and, with PAPERFEED_TEST_PG_URL, PostgreSQL.
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import pg from 'pg';
import crypto from 'node:crypto';
import { connect, type Database } from '../src/db/connect.ts';
import { migrate } from '../src/db/migrate.ts';
import { createRateLimiter, databaseHitCounter } from '../src/web/security/rate-limit.ts';

const CLIENTS = 500;

/** The baseline: a fixed-window counter per client in a Map. */
function memoryLimiter(limit: number, windowMs: number) {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    hit(key: string) {
      const t = Date.now();
      let w = windows.get(key);
      if (!w || t - w.start >= windowMs) windows.set(key, (w = { start: t, count: 0 }));
      return { allowed: ++w.count <= limit };
    },
  };
}

async function timeHits(hits: number, hit: (key: string) => unknown): Promise<number> {
  const keys = Array.from({ length: CLIENTS }, (_, i) => `198.51.${i >> 8}.${i & 255}`);
  for (let i = 0; i < 2_000; i++) await hit(keys[i % CLIENTS]); // warm-up
  const started = process.hrtime.bigint();
  for (let i = 0; i < hits; i++) await hit(keys[i % CLIENTS]);
  return Number(process.hrtime.bigint() - started) / 1000 / hits;
}

async function measure(label: string, database: Database, hits: number): Promise<void> {
  // A limit no client reaches, so every hit takes the full path.
  const limit = 1_000_000;
  const counter = databaseHitCounter(database);
  const memory = await timeHits(hits, memoryLimiter(limit, 60_000).hit);
  const exact = createRateLimiter({ name: `bench-exact-${Date.now()}`, limit, windowSeconds: 60, counter });
  const exactUs = await timeHits(Math.min(hits, 20_000), exact.hit);
  const batched = createRateLimiter({ name: `bench-batched-${Date.now()}`, limit, windowSeconds: 60, counter, batch: 12 });
  const batchedUs = await timeHits(hits, batched.hit);
  await batched.flush();
  console.log(
    `| ${label} | ${memory.toFixed(2)} | ${exactUs.toFixed(1)} (${(exactUs / memory).toFixed(0)}×) | ${batchedUs.toFixed(2)} (${(batchedUs / memory).toFixed(1)}×) |`,
  );
}

export async function run(args: string[]): Promise<void> {
  const hits = Number(args.find((a) => a.startsWith('--hits='))?.split('=')[1] ?? 100_000);
  console.log(
    `rate-limit: ${hits} hits over ${CLIENTS} clients (the exact limiter: at most 20,000), ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}`,
  );
  console.log('\n| store | in-memory Map µs/hit (baseline) | shared exact µs/hit | shared batched (batch 12) µs/hit |');
  console.log('| --- | ---: | ---: | ---: |');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperfeed-bench-rate-limit-'));
  const sqlite = connect({ sqlitePath: path.join(dir, 'paperfeed.sqlite') });
  try {
    await migrate(sqlite);
    await measure('SQLite (WAL, synchronous=NORMAL)', sqlite, hits);
  } finally {
    await sqlite.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const pgUrl = process.env.PAPERFEED_TEST_PG_URL;
  if (pgUrl) {
    const schema = `bench_${crypto.randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    const database = connect({ databaseUrl: pgUrl, pgSchema: schema });
    try {
      await migrate(database);
      await measure('PostgreSQL 15 (local)', database, hits);
    } finally {
      await database.close();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    }
  } else {
    console.log('(PostgreSQL skipped: set PAPERFEED_TEST_PG_URL)');
  }
  console.log(`\nreproduce: npm run bench -- rate-limit ${args.join(' ')}`.trimEnd());
}
