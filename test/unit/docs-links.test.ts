// Documentation that points somewhere must point somewhere real: every relative link in the repository's Markdown
// (and the heading it names, if any) and every docs/… path cited in code. Catches a renamed decision record or a
// moved section the day it happens rather than when a reader follows the link.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(import.meta.dirname, '../..');
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'data', 'test-artifacts']);

function filesUnder(dir: string, keep: (file: string) => boolean): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : filesUnder(full, keep);
    return keep(full) ? [full] : [];
  });
}

/** Markdown without fenced code blocks and inline code, where brackets and paths are examples, not links. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, heading] of prose(fs.readFileSync(file, 'utf8')).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(heading.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1'));
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n ? `${base}-${n}` : base);
  }
  return out;
}

/** Problems with the relative links of one Markdown file, as "file: link (why)". */
function brokenLinks(file: string): string[] {
  const problems: string[] = [];
  for (const [, target] of prose(fs.readFileSync(file, 'utf8')).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
    const [linkPath, anchor] = target.split('#');
    const resolved = linkPath ? path.resolve(path.dirname(file), decodeURIComponent(linkPath)) : file;
    const where = `${path.relative(REPO, file)}: ${target}`;
    if (!fs.existsSync(resolved)) problems.push(`${where} (no such file)`);
    else if (anchor && resolved.endsWith('.md') && !anchors(resolved).has(anchor)) problems.push(`${where} (no such heading)`);
  }
  return problems;
}

describe('documentation links', () => {
  const markdown = filesUnder(REPO, (f) => f.endsWith('.md'));

  it('finds the Markdown to check', () => {
    const names = markdown.map((f) => path.relative(REPO, f));
    expect(names).toEqual(expect.arrayContaining(['README.md', 'docs/search.md', 'docs/benchmarks.md', 'docs/decisions/0000-template.md']));
  });

  it('every relative link in README.md and docs/ names a file that exists, and a heading that exists', () => {
    expect(markdown.flatMap(brokenLinks)).toEqual([]);
  });

  it('every docs/ path cited in code exists', () => {
    const code = filesUnder(REPO, (f) => /\.(ts|tsx|mjs|js|sh)$/.test(f) || f.endsWith(`${path.sep}.ci${path.sep}run`));
    const cited = new RegExp(String.raw`\bdocs/[\w./-]*[\w/]`, 'g');
    const missing = code.flatMap((file) =>
      [...fs.readFileSync(file, 'utf8').matchAll(cited)]
        .map((m) => m[0])
        .filter((p) => !fs.existsSync(path.join(REPO, p)))
        .map((p) => `${path.relative(REPO, file)}: ${p}`),
    );
    expect(missing).toEqual([]);
  });

  it('the checks can fail: a missing file, a missing heading', () => {
    const dir = fs.mkdtempSync(path.join(process.env.PAPERFEED_TEST_TMP ?? REPO, 'links-'));
    try {
      fs.writeFileSync(
        path.join(dir, 'a.md'),
        '# Title\n\n## Some section: "quoted" & more\n\n[ok](#some-section-quoted--more) [gone](b.md) [bad](#nope) `[code](x.md)`\n',
      );
      expect(brokenLinks(path.join(dir, 'a.md')).map((p) => p.replace(/^.*: /, ''))).toEqual(['b.md (no such file)', '#nope (no such heading)']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
