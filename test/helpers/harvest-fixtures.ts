// Recorded arXiv and GitHub responses from ../shared/data, and the configuration that points the sources
// at a local replay server, for the harvesting tests.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { loadConfig, type Config } from '../../src/config.ts';
import { HttpClient, httpClientOptions, memoryPacingStore } from '../../src/ingest/http.ts';
import type { Database } from '../../src/db/connect.ts';
import type { Services } from '../../src/services.ts';
import type { ReplayHandler, ReplayResponse } from './replay-server.ts';
import { testServices } from './services.ts';
import { sharedPath } from './shared-data.ts';

export const OAI_TOKENS = ['6511260|1001', '6511260|2001'];

/** The three real ListRecords pages (1,000 + 1,000 + 265 records, the last with an empty token). */
export function oaiPages(): string[] {
  return [0, 1, 2].map((i) => fs.readFileSync(sharedPath('arxiv-oai-pmh-2023-03-07', `ListRecords_data_${i}.xml`), 'utf8'));
}

/** Answers ListRecords like arXiv: the first page for a fresh request, the next page for each token. */
export function oaiHandler(pages: string[], override?: (page: number) => ReplayResponse | null): ReplayHandler {
  return (req) => {
    const token = req.query.get('resumptionToken');
    const page = token === null ? 0 : OAI_TOKENS.indexOf(token) + 1;
    if (page === 0 && token !== null) {
      return xml(`<?xml version="1.0"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2023-03-07T19:00:00Z</responseDate><request verb="ListRecords">x</request><error code="badResumptionToken">The value of the resumptionToken argument is invalid or expired.</error></OAI-PMH>`);
    }
    return override?.(page) ?? xml(pages[page]);
  };
}

export function xml(body: string, status = 200): ReplayResponse {
  return { status, headers: { 'content-type': 'text/xml; charset=utf-8' }, body };
}

export interface AtomRecording {
  url: string;
  status_code: number;
  body: string;
}

export function atomRecording(prefix: string): AtomRecording {
  const dir = sharedPath('arxiv-api-atom-responses');
  const file = fs.readdirSync(dir).find((f) => f.startsWith(prefix));
  if (!file) throw new Error(`no Atom recording starting with ${prefix}`);
  return JSON.parse(fs.readFileSync(`${dir}/${file}`, 'utf8')) as AtomRecording;
}

export interface NockRecording {
  method: string;
  path: string;
  status: number;
  response: unknown;
  headers: Record<string, string>;
}

export function githubRecordings(scenario: string, kind: 'normalized' | 'raw' = 'normalized'): NockRecording[] {
  return JSON.parse(fs.readFileSync(sharedPath('github-rest-fixtures', scenario, `${kind}-fixture.json`), 'utf8')) as NockRecording[];
}

/** Configuration for tests: every source on the replay server, loopback allowed, no waiting between requests. */
export function harvestConfig(baseUrl: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    ALLOW_PRIVATE_NETWORK: 'true',
    ARXIV_OAI_URL: `${baseUrl}/oai`,
    ARXIV_API_URL: `${baseUrl}/api/query`,
    ARXIV_LISTING_URL: `${baseUrl}/rss`,
    GITHUB_API_URL: `${baseUrl}/github`,
    HF_API_URL: `${baseUrl}/hf`,
    ARXIV_MIN_INTERVAL_MS: '0',
    GITHUB_MIN_INTERVAL_MS: '0',
    HF_MIN_INTERVAL_MS: '0',
    HTTP_RETRY_BASE_MS: '5',
    HTTP_MAX_RETRIES: '1',
    LOG_LEVEL: 'silent',
    ...env,
  });
}

/** Services for a source under test; its request budget is kept in memory, so each test starts unpaced. */
export function sourceContext(config: Config, database: Database): Promise<Services> {
  return testServices(config, database, { http: new HttpClient(httpClientOptions(config, memoryPacingStore())) });
}

export interface ListingRow {
  id: string;
  categories: string[];
  authors: string[];
  title: string;
  summary: string;
}

/** One day of the real arXiv listing crawl (../shared/data/arxiv-daily-listings), deduplicated by id. */
export function listingDay(day: string): ListingRow[] {
  const text = zlib.gunzipSync(fs.readFileSync(sharedPath('arxiv-daily-listings', 'days', `${day}.jsonl.gz`))).toString('utf8');
  const seen = new Set<string>();
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ListingRow)
    .filter((r) => !seen.has(r.id) && seen.add(r.id));
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * An RSS 2.0 document shaped like rss.arxiv.org's (announce_type, dc:creator, "arXiv:ID Announce Type: …
 * Abstract: …" descriptions), with the given rows as announcements of `day`.
 */
export function arxivRss(rows: (ListingRow & { announceType: string })[], day: string, feedCategories: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  const pubDate = `${date.toUTCString().slice(0, 16)} 00:00:00 -0400`;
  const items = rows.map(
    (r) => `<item>
<title>${escapeXml(r.title)}</title>
<link>https://arxiv.org/abs/${r.id}</link>
<description>arXiv:${r.id}v1 Announce Type: ${r.announceType} 
Abstract: ${escapeXml(r.summary)}</description>
<guid isPermaLink="false">oai:arXiv.org:${r.id}v1</guid>
${r.categories.map((c) => `<category>${c}</category>`).join('\n')}
<pubDate>${pubDate}</pubDate>
<arxiv:announce_type>${r.announceType}</arxiv:announce_type>
<dc:rights>http://creativecommons.org/licenses/by/4.0/</dc:rights>
<dc:creator>${escapeXml(r.authors.join(', '))}</dc:creator>
</item>`,
  );
  return `<?xml version='1.0' encoding='UTF-8'?>
<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" version="2.0">
<channel>
<title>${feedCategories} updates on arXiv.org</title>
<link>http://rss.arxiv.org/rss/${feedCategories}</link>
<description>${feedCategories} updates on the arXiv.org e-print archive.</description>
<atom:link href="https://rss.arxiv.org/rss/${feedCategories}" rel="self" type="application/rss+xml"/>
<docs>http://www.rssboard.org/rss-specification</docs>
<language>en-us</language>
<lastBuildDate>${pubDate}</lastBuildDate>
<managingEditor>rss-help@arxiv.org</managingEditor>
<pubDate>${pubDate}</pubDate>
<skipDays><day>Saturday</day><day>Sunday</day></skipDays>
${items.join('\n')}
</channel>
</rss>
`;
}
