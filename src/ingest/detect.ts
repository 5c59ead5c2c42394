// Recognises an input's format from its first bytes (and its name for the day it covers).
export const FORMATS = ['kaggle', 'listing', 'oai', 'atom', 'hf-daily'] as const;
export type FormatName = (typeof FORMATS)[number];

export function isFormatName(s: string): s is FormatName {
  return (FORMATS as readonly string[]).includes(s);
}

/** The format of a file whose decompressed text begins with `head`, or null when it is none we know. */
export function detectFormat(head: string): FormatName | null {
  const s = head.replace(/^\uFEFF/, '').trimStart();
  if (s.startsWith('<')) {
    if (/<OAI-PMH[\s>]/.test(s)) return 'oai';
    if (/<feed[\s>]/.test(s)) return 'atom';
    return null;
  }
  if (s.startsWith('[')) return 'hf-daily';
  if (!s.startsWith('{')) return null;
  const firstLine = s.slice(0, s.indexOf('\n') === -1 ? undefined : s.indexOf('\n'));
  let record: Record<string, unknown> | null = null;
  try {
    record = JSON.parse(firstLine);
  } catch {
    // Not one JSON object per line: a pretty-printed document, recognised by its keys below.
  }
  if (record && typeof record === 'object') {
    if ('status_code' in record && 'body' in record) return 'atom';
    if ('versions' in record || 'authors_parsed' in record || 'update_date' in record) return 'kaggle';
    if ('summary' in record && Array.isArray(record.authors)) return 'listing';
    return null;
  }
  // One object per line, but the first line is longer than the sample or broken: go by the leading keys.
  if (/^\{\s*"id"\s*:/.test(s)) {
    if (/"(submitter|versions|authors_parsed)"\s*:/.test(firstLine)) return 'kaggle';
    if (/"(abs|pdf|summary)"\s*:/.test(firstLine)) return 'listing';
  }
  if (/"status_code"\s*:/.test(s) && /"body"\s*:/.test(s)) return 'atom';
  // Some Hugging Face crawls wrapped the feed as {"status", "date", "count", "data"}: still that source.
  if (/^\{\s*"(status|date|count|data)"\s*:/.test(s)) return 'hf-daily';
  return null;
}

/** YYYY-MM-DD named by a file such as `2025-03-18.jsonl.gz`, or null. */
export function dayFromFileName(file: string): string | null {
  const m = /(\d{4}-\d{2}-\d{2})(?:\.[A-Za-z]+)*$/.exec(file.split(/[\\/]/).pop() ?? '');
  if (!m) return null;
  const t = Date.parse(`${m[1]}T00:00:00Z`);
  return Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== m[1] ? null : m[1];
}
