// OAI-PMH responses from export.arxiv.org/oai2 (ListRecords, GetRecord, ListIdentifiers) in the three
// metadata formats arXiv offers: oai_dc (Dublin Core), arXiv (structured authors) and arXivRaw (with the
// version history). Pure: XML text in, records and paging state out.
import type { PaperInput, PaperVersion } from '../../domain/paper.ts';
import { forenamesFirst, splitAuthorList } from './authors.ts';
import { UnusableInputError } from './errors.ts';
import { attr, child, list, parseXmlDocument, text } from './xml.ts';

export type OaiMetadataFormat = 'oai_dc' | 'arXiv' | 'arXivRaw';

export interface OaiRecord {
  /** The OAI identifier, e.g. `oai:arXiv.org:2107.10460`. */
  identifier: string;
  datestamp: string | null;
  setSpecs: string[];
  /** A deleted record carries a header only. */
  deleted: boolean;
  metadataFormat: OaiMetadataFormat | null;
  /** Null for headers without metadata (ListIdentifiers, deleted records) and for unreadable metadata. */
  paper: PaperInput | null;
  /** Why `paper` is null although metadata was present. */
  problem: string | null;
}

export interface OaiPmhResponse {
  responseDate: string | null;
  verb: string | null;
  records: OaiRecord[];
  /** Null when there is no further page (no token, or the empty token of the last page). */
  resumptionToken: string | null;
  completeListSize: number | null;
  cursor: number | null;
  /** An OAI-PMH protocol error such as `noRecordsMatch` or `badResumptionToken`. */
  error: { code: string; message: string } | null;
}

/** Parses one OAI-PMH response; throws UnusableInputError when it is not well-formed OAI-PMH XML. */
export function parseOaiPmhResponse(xml: string): OaiPmhResponse {
  const root = child(parseXmlDocument(xml), 'OAI-PMH');
  if (!root || typeof root !== 'object') throw new UnusableInputError('not an OAI-PMH response (no <OAI-PMH> root element)');
  const request = child(root, 'request');
  const errorNode = list(child(root, 'error'))[0];
  const body = child(root, 'ListRecords') ?? child(root, 'GetRecord') ?? child(root, 'ListIdentifiers');
  const recordNodes = [...list(child(body, 'record')), ...list(child(body, 'header')).map((header) => ({ header }))];
  const token = list(child(body, 'resumptionToken'))[0];
  const tokenText = text(token).trim();
  return {
    responseDate: text(child(root, 'responseDate')) || null,
    verb: attr(request, 'verb'),
    records: recordNodes.map(parseRecord),
    resumptionToken: tokenText || null,
    completeListSize: integerOrNull(attr(token, 'completeListSize')),
    cursor: integerOrNull(attr(token, 'cursor')),
    error: errorNode === undefined ? null : { code: attr(errorNode, 'code') ?? 'unknown', message: text(errorNode).trim() },
  };
}

function integerOrNull(s: string | null): number | null {
  if (s === null || !/^\d+$/.test(s.trim())) return null;
  return Number(s);
}

function parseRecord(node: unknown): OaiRecord {
  const header = child(node, 'header');
  const identifier = text(child(header, 'identifier')).trim();
  const record: OaiRecord = {
    identifier,
    datestamp: text(child(header, 'datestamp')).trim() || null,
    setSpecs: list(child(header, 'setSpec'))
      .map((s) => text(s).trim())
      .filter(Boolean),
    deleted: attr(header, 'status') === 'deleted',
    metadataFormat: null,
    paper: null,
    problem: null,
  };
  const metadata = child(node, 'metadata');
  if (record.deleted || metadata === undefined) return record;
  const dc = child(metadata, 'dc');
  const arxiv = child(metadata, 'arXiv');
  const raw = child(metadata, 'arXivRaw');
  if (dc && typeof dc === 'object') {
    record.metadataFormat = 'oai_dc';
    record.paper = fromDublinCore(dc, record);
  } else if (arxiv && typeof arxiv === 'object') {
    record.metadataFormat = 'arXiv';
    record.paper = fromArxivFormat(arxiv, identifier);
  } else if (raw && typeof raw === 'object') {
    record.metadataFormat = 'arXivRaw';
    record.paper = fromArxivRaw(raw, identifier);
  } else {
    const found = metadata && typeof metadata === 'object' ? Object.keys(metadata).join(', ') : 'nothing';
    record.problem = `unsupported metadata format (found ${found || 'nothing'})`;
  }
  return record;
}

const COMMENT_PREFIX = /^Comment:\s*/i;

/**
 * Dublin Core: subjects are human-readable names ("Mathematics - Number Theory"), so categories come from
 * the header's setSpecs (archive level: `physics:cond-mat` → `cond-mat`). The first description is the
 * abstract, one starting "Comment:" is the comments field; the first date is version 1's, the last the
 * latest version's; identifiers hold the abs URL, `doi:…` and the journal reference.
 */
function fromDublinCore(dc: unknown, record: OaiRecord): PaperInput {
  const descriptions = list(child(dc, 'description')).map(text);
  const comment = descriptions.find((d) => COMMENT_PREFIX.test(d.trim()));
  const abstract = descriptions.find((d) => !COMMENT_PREFIX.test(d.trim())) ?? '';
  const dates = list(child(dc, 'date'))
    .map((d) => text(d).trim())
    .filter(Boolean)
    .sort();
  const identifiers = list(child(dc, 'identifier')).map((i) => text(i).trim());
  const absUrl = identifiers.find((i) => /arxiv\.org\/abs\//i.test(i));
  const doi = identifiers.find((i) => /^doi:/i.test(i));
  const journalRef = identifiers.find((i) => i && !/^(doi:|https?:\/\/)/i.test(i));
  return {
    id: record.identifier || absUrl || '',
    title: text(child(dc, 'title')),
    abstract,
    authors: list(child(dc, 'creator')).map((c) => forenamesFirst(text(c))),
    categories: record.setSpecs.map((s) => s.split(':').at(-1) ?? s),
    submittedAt: dates[0] ?? null,
    updatedAt: dates.at(-1) ?? null,
    comments: comment ? comment.trim().replace(COMMENT_PREFIX, '') : null,
    doi: doi ? doi.replace(/^doi:/i, '') : null,
    journalRef: journalRef ?? null,
  };
}

/** The `arXiv` format: structured authors (keyname, forenames, suffix), space-separated categories. */
function fromArxivFormat(m: unknown, identifier: string): PaperInput {
  const authors = list(child(child(m, 'authors'), 'author')).map((a) =>
    [text(child(a, 'forenames')), text(child(a, 'keyname')), text(child(a, 'suffix'))]
      .map((s) => s.trim())
      .filter(Boolean)
      .join(' '),
  );
  const created = text(child(m, 'created')).trim() || null;
  return {
    ...commonArxivFields(m, identifier),
    authors,
    submittedAt: created,
    updatedAt: text(child(m, 'updated')).trim() || created,
  };
}

/** `arXivRaw`: authors as one string, and every version with its submission date (RFC 2822). */
function fromArxivRaw(m: unknown, identifier: string): PaperInput {
  const versions: PaperVersion[] = list(child(m, 'version')).flatMap((v) => {
    const n = Number(/^v(\d+)$/.exec(attr(v, 'version') ?? '')?.[1]);
    return Number.isInteger(n) && n > 0 ? [{ version: n, created: text(child(v, 'date')).trim() }] : [];
  });
  return {
    ...commonArxivFields(m, identifier),
    authors: splitAuthorList(text(child(m, 'authors'))),
    versions,
  };
}

function commonArxivFields(m: unknown, identifier: string): PaperInput {
  const field = (name: string) => text(child(m, name)).trim() || null;
  return {
    id: field('id') ?? identifier,
    title: text(child(m, 'title')),
    abstract: text(child(m, 'abstract')),
    categories: (field('categories') ?? '').split(/\s+/).filter(Boolean),
    comments: field('comments'),
    journalRef: field('journal-ref'),
    doi: field('doi'),
    license: field('license'),
  };
}
