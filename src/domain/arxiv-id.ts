// arXiv identifiers. Two schemes exist (https://info.arxiv.org/help/arxiv_identifier.html):
//   new style since April 2007: YYMM.NNNN (until 2014) or YYMM.NNNNN, e.g. 2406.01234, optionally v3;
//   old style before that:      archive(.SUBJ)/YYMMNNN, e.g. hep-th/9901001 or math.GT/0309136v2.
// We store the id without its version and keep the version separately. parseArxivId also accepts the forms
// people paste: arXiv abs/pdf/html URLs, the arXiv DOI, Hugging Face and alphaXiv paper URLs (see DECORATIONS).

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

// Where an identifier is pasted from: arXiv itself (abs, pdf, html; www. and export. mirrors), the arXiv DOI in
// any of its spellings, Hugging Face and alphaXiv paper pages, the OAI identifier. Scheme and host are optional
// ("arxiv.org/abs/…" typed by hand), so is a trailing query string, fragment or slash.
const DECORATIONS: RegExp[] = [
  /^(?:https?:\/\/)?(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf|html|format)\//i,
  /^(?:https?:\/\/)?(?:www\.)?(?:huggingface\.co|hf\.co)\/papers\//i,
  /^(?:https?:\/\/)?(?:www\.)?alphaxiv\.org\/(?:[a-z]{2}\/)?(?:abs|overview|pdf)\//i,
  /^(?:https?:\/\/)?(?:dx\.)?doi\.org\/10\.48550\/arxiv\./i,
  /^doi:\s*10\.48550\/arxiv\./i,
  /^10\.48550\/arxiv\./i,
  /^arxiv:\s*/i,
  /^oai:arxiv\.org:/i,
];

/** Strips what people paste around an id: URL prefixes, `arXiv:`, the DOI prefix, `.pdf`, whitespace. */
function stripDecoration(input: string): string {
  let s = input.trim();
  // A DOI URL is often pasted percent-encoded (10.48550%2FarXiv.…); an id never contains a percent sign.
  if (s.includes('%')) {
    try {
      s = decodeURIComponent(s);
    } catch {
      return s;
    }
  }
  s = s.replace(/[?#].*$/, '');
  for (const prefix of DECORATIONS) s = s.replace(prefix, '');
  s = s.replace(/\/+$/, '');
  s = s.replace(/\.pdf$/i, '');
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

/**
 * The ids a stored paper may carry for a parsed id: the id itself and, for an old-style id with a subject class
 * (math.GT/0309136), the archive form arXiv itself uses (math/0309136), since the class is not part of the id.
 */
export function storedIdForms(id: ArxivId): string[] {
  if (id.scheme !== 'old') return [id.id];
  const withoutClass = id.id.replace(/^([a-z-]+)\.[A-Z]{2}\//, '$1/');
  return withoutClass === id.id ? [id.id] : [withoutClass, id.id];
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
