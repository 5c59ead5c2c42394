// Finds a paper's code repository and project page in the free text authors write into the abstract and
// the comments field ("Code: https://github.com/org/repo", "Project page: https://org.github.io/x/").

export interface DetectedLinks {
  codeUrl: string | null;
  projectUrl: string | null;
}

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'()[\]{}]+/gi;
const CODE_HOSTS = /^(?:www\.)?(github\.com|gitlab\.com|huggingface\.co|bitbucket\.org|codeberg\.org)$/i;
// Hosts that are never a paper's own project page.
const NOT_PROJECT_PAGES = /(^|\.)(arxiv\.org|doi\.org|creativecommons\.org|youtube\.com|youtu\.be|twitter\.com|x\.com)$/i;

/** Normalises a repository URL to https://host/owner/repo, or null when the URL names no repository. */
export function repositoryUrl(raw: string): string | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return null;
  }
  const host = u.hostname.toLowerCase().replace(/^www\./, '');
  if (!CODE_HOSTS.test(host)) return null;
  const parts = u.pathname.split('/').filter(Boolean);
  if (host === 'huggingface.co') return null; // model and dataset pages are artefacts, not code
  if (parts.length < 2) return null;
  const [owner, repoRaw] = parts;
  const repo = repoRaw.replace(/\.git$/i, '');
  if (!/^[\w.-]+$/.test(owner) || !/^[\w.-]+$/.test(repo)) return null;
  return `https://${host}/${owner}/${repo}`;
}

/** "owner/repo" of a GitHub URL, or null. */
export function githubRepoName(url: string | null): string | null {
  if (!url) return null;
  const m = /^https:\/\/github\.com\/([\w.-]+)\/([\w.-]+)$/.exec(repositoryUrl(url) ?? '');
  return m ? `${m[1]}/${m[2]}` : null;
}

export function detectLinks(text: string): DetectedLinks {
  let codeUrl: string | null = null;
  let projectUrl: string | null = null;
  for (const match of text.matchAll(URL_PATTERN)) {
    const raw = match[0].replace(/[.,;:!?]+$/, '');
    const repo = repositoryUrl(raw);
    if (repo) {
      codeUrl ??= repo;
      continue;
    }
    let host: string;
    try {
      host = new URL(raw).hostname.toLowerCase();
    } catch {
      continue;
    }
    if (NOT_PROJECT_PAGES.test(host) || CODE_HOSTS.test(host) || host === 'huggingface.co') continue;
    projectUrl ??= raw;
  }
  return { codeUrl, projectUrl };
}
