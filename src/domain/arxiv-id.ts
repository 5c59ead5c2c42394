// arXiv identifiers. Two schemes exist (https://info.arxiv.org/help/arxiv_identifier.html):
//   new style since April 2007: YYMM.NNNN (until 2014) or YYMM.NNNNN, e.g. 2406.01234, optionally v3;
//   old style before that:      archive(.SUBJ)/YYMMNNN, e.g. hep-th/9901001 or math.GT/0309136v2.
// We store the id without its version and keep the version separately.

export class InvalidArxivIdError extends Error {
  override name = 'InvalidArxivIdError';
  constructor(readonly input: string) {
    super(`not an arXiv id: ${JSON.stringify(input.length > 80 ? input.slice(0, 80) + '…' : input)}`);
  }
}

export interface ArxivId {
  /** Normalised id without version: `2406.01234`, `hep-th/9901001`. */
  id: string;
  /** The version the input named, or null when it named none. */
  version: number | null;
  scheme: 'new' | 'old';
}

const NEW_STYLE = /^(\d{2})(\d{2})\.(\d{4,5})(?:v(\d+))?$/;
// Archive names are lower case letters and hyphens; the optional subject class (math.GT) is upper case.
const OLD_STYLE = /^([a-z]+(?:-[a-z]+)*)(\.[A-Z]{2})?\/(\d{2})(\d{2})(\d{3})(?:v(\d+))?$/;

/** Strips what people paste around an id: URL prefixes, `arXiv:`, `.pdf`, whitespace. */
function stripDecoration(input: string): string {
  let s = input.trim();
  s = s.replace(/^https?:\/\/(www\.|export\.)?arxiv\.org\/(abs|pdf|html)\//i, '');
  s = s.replace(/^https?:\/\/(www\.)?huggingface\.co\/papers\//i, '');
  s = s.replace(/^arxiv:/i, '');
  s = s.replace(/^oai:arxiv\.org:/i, '');
  s = s.replace(/\.pdf$/i, '');
  s = s.replace(/[?#].*$/, '').replace(/\/+$/, '');
  return s;
}

export function parseArxivId(input: string): ArxivId {
  if (typeof input !== 'string' || input.length > 200) throw new InvalidArxivIdError(String(input));
  const s = stripDecoration(input);
  const m = NEW_STYLE.exec(s);
  if (m) {
    const [, yy, mm, num, v] = m;
    const month = Number(mm);
    // Five-digit sequence numbers started in January 2015 (1501); four digits are used before that.
    const fiveDigits = Number(yy + mm) >= 1501;
    if (month < 1 || month > 12 || num.length !== (fiveDigits ? 5 : 4) || Number(yy + mm) < 704) {
      throw new InvalidArxivIdError(input);
    }
    return { id: `${yy}${mm}.${num}`, version: v ? parseVersion(v, input) : null, scheme: 'new' };
  }
  const o = OLD_STYLE.exec(s);
  if (o) {
    const [, archive, subject, yy, mm, num, v] = o;
    const month = Number(mm);
    if (month < 1 || month > 12) throw new InvalidArxivIdError(input);
    // Old-style ids ran from 1991 to March 2007.
    const year = Number(yy) >= 91 ? 1900 + Number(yy) : 2000 + Number(yy);
    if (year > 2007) throw new InvalidArxivIdError(input);
    return {
      id: `${archive}${subject ?? ''}/${yy}${mm}${num}`,
      version: v ? parseVersion(v, input) : null,
      scheme: 'old',
    };
  }
  throw new InvalidArxivIdError(input);
}

function parseVersion(v: string, input: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1 || n > 1000) throw new InvalidArxivIdError(input);
  return n;
}

/**
 * The year and month in an id (YYMM in both schemes), or null for what is not an arXiv id. arXiv assigns the id
 * when it announces version 1, so version 1 was submitted in that month or before it, never after.
 */
export function arxivIdMonth(input: string): { year: number; month: number } | null {
  const parsed = tryParseArxivId(input);
  if (!parsed) return null;
  const yymm = parsed.scheme === 'new' ? parsed.id.slice(0, 4) : parsed.id.split('/')[1].slice(0, 4);
  const yy = Number(yymm.slice(0, 2));
  return { year: yy >= 91 ? 1900 + yy : 2000 + yy, month: Number(yymm.slice(2, 4)) };
}

/** Like parseArxivId, but null instead of an error. */
export function tryParseArxivId(input: string): ArxivId | null {
  try {
    return parseArxivId(input);
  } catch {
    return null;
  }
}

export function formatArxivId(id: ArxivId): string {
  return id.version ? `${id.id}v${id.version}` : id.id;
}

export function absUrl(id: string, version?: number | null): string {
  return `https://arxiv.org/abs/${id}${version ? `v${version}` : ''}`;
}

/** The paper's page on Hugging Face, at its discussion (where the comments Hugging Face counted are). */
export function huggingFaceDiscussionUrl(id: string): string {
  return `https://huggingface.co/papers/${id}#community`;
}

export function pdfUrl(id: string, version?: number | null): string {
  return `https://arxiv.org/pdf/${id}${version ? `v${version}` : ''}`;
}
