// Small deterministic papers and daily entries for the web tests, stored with the real upsert functions.
//   2025-06-02 … 2025-06-04: submissions (2025-06-03 has 35, enough for two pages of 30)
//   2025-06-05: announcements only (nobody submitted), one of them with a GitHub repository
//   2025-06-06: submissions — the latest day, which the home page falls back to when "today" (06-07) is empty
// plus an old-style id, a hidden paper, a paper whose title and abstract carry HTML and LaTeX, and one (2506.02000)
// whose abstract carries text-mode TeX (\textbf, \%).
import { normalizePaper, type DailyEntry, type Paper } from '../../src/domain/paper.ts';
import { upsertDailyEntries, upsertPapers } from '../../src/db/papers.ts';
import type { Database } from '../../src/db/connect.ts';

export const FIXED_NOW = new Date('2025-06-07T12:00:00Z');
export const XSS_ID = '2506.00666';
export const XSS_TITLE = 'Breaking <script>alert("title")</script> & Friends';
export const XSS_ABSTRACT = 'We show that $x^2 < y$ & that a<b holds when \\(\\alpha \\geq 1\\); <img src=x onerror=alert(1)> is text. Costs $5 and $10.';
export const HIDDEN_ID = '2506.00999';
export const OLD_STYLE_ID = 'hep-th/9901001';
export const STARRED_ID = '2506.05100';
/** The abstract of 2506.02000, with text-mode TeX as arXiv's metadata has it. */
export const TEX_ABSTRACT = 'We release \\textbf{MiMo-VL-Miloco-7B}, which is 15\\% more accurate than \\emph{prior} models.';

function paper(id: string, day: string, n: number, extra: Partial<Paper> = {}): Paper {
  return normalizePaper({
    id,
    title: `Paper ${id}: learning features number ${n}`,
    abstract: `Abstract of ${id}. We study features in learned models, item ${n}.`,
    authors: [`Author ${n} Alpha`, `Author ${n} Beta`],
    categories: [n % 3 === 0 ? 'cs.CL' : 'cs.CV', 'cs.AI'],
    submittedAt: `${day}T0${n % 10}:00:00Z`,
    announcedOn: day,
    versions: [{ version: 1, created: `${day}T0${n % 10}:00:00Z` }],
    ...extra,
  });
}

function entry(paperId: string, day: string, upvotes: number, extra: Partial<DailyEntry> = {}): DailyEntry {
  return {
    paperId,
    day,
    submittedAt: `${day}T08:00:00Z`,
    submittedBy: upvotes % 2 ? 'akhaliq' : 'alice',
    upvotes,
    numComments: upvotes % 4,
    githubRepo: null,
    githubStars: null,
    projectPage: null,
    keywords: [],
    aiSummary: null,
    source: 'hf',
    ...extra,
  };
}

export interface Fixtures {
  papers: Paper[];
  entries: DailyEntry[];
}

export function buildFixtures(): Fixtures {
  const papers: Paper[] = [];
  const entries: DailyEntry[] = [];
  const submissionDays: [string, number][] = [
    ['2025-06-02', 4],
    ['2025-06-03', 35],
    ['2025-06-04', 5],
    ['2025-06-06', 6],
  ];
  let n = 0;
  for (const [day, count] of submissionDays) {
    const mm = day.slice(8);
    for (let i = 0; i < count; i++) {
      const id = `2506.${mm}${String(i).padStart(3, '0')}`;
      papers.push(paper(id, day, ++n));
      entries.push(entry(id, day, ((i * 7) % 40) + 1));
    }
  }
  // arXiv abstracts carry TeX outside math too: pages must read it, never show it raw.
  papers[0] = paper('2506.02000', '2025-06-02', 1, { abstract: TEX_ABSTRACT });
  for (let i = 0; i < 4; i++) papers.push(paper(`2506.05${String(i).padStart(3, '0')}`, '2025-06-05', ++n));
  papers.push(paper(STARRED_ID, '2025-06-05', ++n, { codeUrl: 'https://github.com/example/starred' }));
  papers.push(
    paper(XSS_ID, '2025-06-06', ++n, {
      title: XSS_TITLE,
      abstract: XSS_ABSTRACT,
      comments: 'Code: <b>none</b>',
    }),
  );
  entries.push(entry(XSS_ID, '2025-06-06', 3, { aiSummary: null, keywords: ['<b>kw</b>'] }));
  papers.push(paper(HIDDEN_ID, '2025-06-06', ++n, { title: 'A hidden paper' }));
  entries.push(entry(HIDDEN_ID, '2025-06-06', 500));
  papers.push(
    normalizePaper({
      id: OLD_STYLE_ID,
      title: 'An old-style paper on strings',
      abstract: 'Old abstract.',
      authors: ['Ed Witten'],
      categories: ['hep-th'],
      submittedAt: '1999-01-04T00:00:00Z',
      announcedOn: '1999-01-05',
      versions: [
        { version: 1, created: '1999-01-04T00:00:00Z' },
        { version: 2, created: '1999-02-01T00:00:00Z' },
      ],
    }),
  );
  return { papers, entries };
}

/** Stores the fixtures; the hidden paper is hidden the way a moderator would (the flag on papers). */
export async function seedFixtures(database: Database): Promise<Fixtures> {
  const f = buildFixtures();
  await upsertPapers(database, f.papers);
  await upsertDailyEntries(database, f.entries);
  await database.db.updateTable('papers').set({ hidden: 1 }).where('id', '=', HIDDEN_ID).execute();
  await database.db.updateTable('papers').set({ github_stars: 1200 }).where('id', '=', STARRED_ID).execute();
  return f;
}
