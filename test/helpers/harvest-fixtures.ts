// What the harvesting tests replay from a local server: arXiv's OAI-PMH chain, API lookups, RSS listing and
// GitHub's repository answer, each either recorded (../shared/data) or written in the same shape from the fixture
// corpus; and the configuration that points the sources at the replay server.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config.ts';
import { HttpClient, httpClientOptions, memoryPacingStore } from '../../src/ingest/http.ts';
import type { Database } from '../../src/db/connect.ts';
import type { Services } from '../../src/services.ts';
import type { ReplayHandler, ReplayResponse } from './replay-server.ts';
import { testServices } from './services.ts';
import { corpusArxivRecords, type ArxivRecord, type DataSource, type ListingRow } from './corpus.ts';
import { sharedPath } from './shared-data.ts';

export const OAI_TOKENS = ['6511260|1001', '6511260|2001'];

const FIXTURES_DIR = path.resolve(import.meta.dirname, '../fixtures');
/** When the fixture corpus's arXiv answers were "sent": the morning after its last listing day. */
const FIXTURE_RESPONSE_DATE = '2025-06-07T06:00:00Z';

/** A ListRecords token chain of three pages: the first two end with OAI_TOKENS, the last with an empty token. */
export interface OaiChain {
  pages: string[];
  /** Records on each page. */
  records: number[];
  /** The day of the pages' responseDate. */
  respondedOn: string;
}

/**
 * The real chain (oai_dc pages of 1,000 + 1,000 + 265 records), or the corpus's 47 papers as arXivRaw pages of
 * 20 + 20 + 7 records.
 */
export function oaiChain(source: DataSource): OaiChain {
  if (source.name === 'shared') {
    return {
      pages: [0, 1, 2].map((i) => fs.readFileSync(sharedPath('arxiv-oai-pmh-2023-03-07', `ListRecords_data_${i}.xml`), 'utf8')),
      records: [1000, 1000, 265],
      respondedOn: '2023-03-07',
    };
  }
  const records = corpusArxivRecords();
  const pages = [records.slice(0, 20), records.slice(20, 40), records.slice(40)];
  return {
    pages: pages.map((page, i) => oaiListRecordsPage(page, { cursor: i * 20, total: records.length, token: OAI_TOKENS[i] ?? '' })),
    records: pages.map((p) => p.length),
    respondedOn: FIXTURE_RESPONSE_DATE.slice(0, 10),
  };
}

function oaiListRecordsPage(records: ArxivRecord[], resumption: { cursor: number; total: number; token: string }): string {
  const optional = (tag: string, value: string | null) => (value ? `\n<${tag}>${escapeXml(value)}</${tag}>` : '');
  const items = records.map((r) => {
    const updated = new Date(r.versions.at(-1)!).toISOString().slice(0, 10);
    const versions = r.versions.map(
      (date, i) => `<version version="v${i + 1}"><date>${date}</date><size>${120 + i * 7}kb</size><source_type>D</source_type></version>`,
    );
    return `<record>
<header>
<identifier>oai:arXiv.org:${r.id}</identifier>
<datestamp>${updated}</datestamp>
<setSpec>${setSpec(r.categories[0])}</setSpec>
</header>
<metadata>
<arXivRaw xmlns="http://arxiv.org/OAI/arXivRaw/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://arxiv.org/OAI/arXivRaw/ http://arxiv.org/OAI/arXivRaw.xsd">
<id>${r.id}</id>
<submitter>${escapeXml(r.submitter)}</submitter>
${versions.join('\n')}
<title>${escapeXml(r.title)}</title>
<authors>${escapeXml(r.authors.join(', '))}</authors>
<categories>${r.categories.join(' ')}</categories>${optional('comments', r.comments)}${optional('journal-ref', r.journalRef)}${optional('doi', r.doi)}
<license>http://arxiv.org/licenses/nonexclusive-distrib/1.0/</license>
<abstract>  ${escapeXml(r.abstract)}
</abstract>
</arXivRaw>
</metadata>
</record>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">
<responseDate>${FIXTURE_RESPONSE_DATE}</responseDate>
<request verb="ListRecords" metadataPrefix="arXivRaw">http://oaipmh.arxiv.org/oai</request>
<ListRecords>
${items.join('\n')}
<resumptionToken cursor="${resumption.cursor}" completeListSize="${resumption.total}">${resumption.token}</resumptionToken>
</ListRecords>
</OAI-PMH>
`;
}

/** The OAI set of a category: cs.CL → cs, math.NT → math, cond-mat.str-el → physics:cond-mat. */
function setSpec(category: string): string {
  const archive = category.split('.')[0];
  return ['cs', 'math', 'stat', 'q-bio', 'q-fin', 'eess', 'econ'].includes(archive) ? archive : `physics:${archive}`;
}

/** Answers ListRecords like arXiv: the first page for a fresh request, the next page for each token. */
export function oaiHandler(pages: string[], override?: (page: number) => ReplayResponse | null): ReplayHandler {
  return (req) => {
    const token = req.query.get('resumptionToken');
    const page = token === null ? 0 : OAI_TOKENS.indexOf(token) + 1;
    if (page === 0 && token !== null) {
      return xml(
        `<?xml version="1.0"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2023-03-07T19:00:00Z</responseDate><request verb="ListRecords">x</request><error code="badResumptionToken">The value of the resumptionToken argument is invalid or expired.</error></OAI-PMH>`,
      );
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

function atomRecording(prefix: string): AtomRecording {
  const dir = sharedPath('arxiv-api-atom-responses');
  const file = fs.readdirSync(dir).find((f) => f.startsWith(prefix));
  if (!file) throw new Error(`no Atom recording starting with ${prefix}`);
  return JSON.parse(fs.readFileSync(`${dir}/${file}`, 'utf8')) as AtomRecording;
}

/** arXiv API answers for the lookup tests. */
export interface ArxivLookups {
  /** An answer to a lookup of `asked` (one id arXiv does not know, one it does): the known paper only. */
  pair: { asked: [string, string]; body: string; title: RegExp };
  /** The answer for an id arXiv does not know. */
  empty: string;
  oldStyle: { id: string; body: string };
  /** HTTP 400 with arXiv's error entry for the id "abc". */
  rejected: AtomRecording;
  single: { id: string; body: string };
}

export function arxivLookups(source: DataSource): ArxivLookups {
  if (source.name === 'shared') {
    return {
      pair: { asked: ['1605.08386', '1707.08567'], body: atomRecording('id_0808.05394_1707.08567').body, title: /AEW10/ },
      empty: atomRecording('id_0000.0000').body,
      oldStyle: { id: 'astro-ph/0601001', body: atomRecording('id_astro-ph_0601001').body },
      rejected: atomRecording('id_abc'),
      single: { id: '1605.08386', body: atomRecording('id_1605.08386').body },
    };
  }
  const records = new Map(corpusArxivRecords().map((r) => [r.id, r]));
  const answer = (...ids: string[]) =>
    arxivAtom(
      ids.map((id) => records.get(id)!),
      ids.join(','),
    );
  return {
    pair: { asked: ['2501.99999', '2506.00387'], body: answer('2506.00387'), title: /Masked Discrete Diffusion/ },
    empty: answer(),
    oldStyle: { id: 'math/0406242', body: answer('math/0406242') },
    rejected: JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, 'ingest', 'atom-error.json'), 'utf8')) as AtomRecording,
    single: { id: '2506.00214', body: answer('2506.00214') },
  };
}

/** An arXiv API Atom response (export.arxiv.org/api/query?id_list=…) holding `records`. */
function arxivAtom(records: ArxivRecord[], idList: string): string {
  const optional = (tag: string, value: string | null) => (value ? `\n    <arxiv:${tag}>${escapeXml(value)}</arxiv:${tag}>` : '');
  const iso = (date: string) => new Date(date).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const entries = records.map((r) => {
    const abs = `http://arxiv.org/abs/${r.id}v${r.versions.length}`;
    return `  <entry>
    <id>${abs}</id>
    <title>${escapeXml(r.title)}</title>
    <updated>${iso(r.versions.at(-1)!)}</updated>
    <link href="${abs.replace('http:', 'https:')}" rel="alternate" type="text/html"/>
    <link href="${abs.replace('http:', 'https:').replace('/abs/', '/pdf/')}" rel="related" type="application/pdf" title="pdf"/>
    <summary>${escapeXml(r.abstract)}</summary>
${r.categories.map((c) => `    <category term="${c}" scheme="http://arxiv.org/schemas/atom"/>`).join('\n')}
    <published>${iso(r.versions[0])}</published>${optional('comment', r.comments)}${optional('journal_ref', r.journalRef)}${optional('doi', r.doi)}
    <arxiv:primary_category term="${r.categories[0]}"/>
${r.authors.map((a) => `    <author><name>${escapeXml(a)}</name></author>`).join('\n')}
  </entry>`;
  });
  return `<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/fixture</id>
  <title>arXiv Query: id_list=${escapeXml(idList)}</title>
  <updated>${FIXTURE_RESPONSE_DATE}</updated>
  <opensearch:itemsPerPage>100</opensearch:itemsPerPage>
  <opensearch:totalResults>${records.length}</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
${entries.join('\n')}
</feed>
`;
}

export interface NockRecording {
  method: string;
  path: string;
  status: number;
  response: unknown;
  headers: Record<string, string>;
}

/** GET /repos/{owner}/{repo}: octokit's recording for octokit-fixture-org/hello-world, or the fixture corpus's repository. */
export function githubRepository(source: DataSource): NockRecording {
  if (source.name === 'fixtures') return JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, 'github', 'get-repository.json'), 'utf8')) as NockRecording;
  const recordings = JSON.parse(fs.readFileSync(sharedPath('github-rest-fixtures', 'get-repository', 'normalized-fixture.json'), 'utf8')) as NockRecording[];
  return recordings.find((r) => r.path === '/repos/octokit-fixture-org/hello-world')!;
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

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * An RSS 2.0 document shaped like rss.arxiv.org's (announce_type, dc:creator, "arXiv:ID Announce Type: …
 * Abstract: …" descriptions), with the given rows as announcements of `day`.
 */
export function arxivRss(rows: (Omit<ListingRow, 'comment'> & { announceType: string })[], day: string, feedCategories: string): string {
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
