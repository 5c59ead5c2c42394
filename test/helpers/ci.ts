// CI (CI=true) must run the PostgreSQL and browser tests, which skip elsewhere when their server or browser is
// missing. test/global-setup.ts fails the whole run before any test when they would be skipped.
import fs from 'node:fs';
import pg from 'pg';

export const inCi = process.env.CI === 'true';

/** Why the PostgreSQL or browser tests would be skipped here: empty when both can run. */
export async function skippedRequirements(pgUrl: string | undefined, chromiumPath: string): Promise<string[]> {
  const missing: string[] = [];
  if (!pgUrl) missing.push('PAPERFEED_TEST_PG_URL is not set, so the PostgreSQL variants would be skipped');
  else {
    const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 5_000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
    } catch (e) {
      missing.push(`PostgreSQL at PAPERFEED_TEST_PG_URL does not answer (${(e as Error).message})`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  if (!fs.existsSync(chromiumPath)) missing.push(`${chromiumPath} is absent, so the browser tests would be skipped (apt-get install chromium)`);
  return missing;
}
