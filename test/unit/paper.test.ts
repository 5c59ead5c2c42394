import { describe, expect, it } from 'vitest';
import { detectLinks, githubRepoName } from '../../src/domain/links.ts';
import { InvalidPaperError, mergePapers, normalizePaper } from '../../src/domain/paper.ts';

const base = { id: '2406.01234', title: 'A  title\n  wrapped', abstract: 'Text.', authors: ['Ada', 'Alan'], categories: ['cs.LG', 'cs.AI'] };

describe('normalizePaper', () => {
  it('cleans whitespace and takes the version from the id', () => {
    const p = normalizePaper({ ...base, id: '2406.01234v2' });
    expect(p.title).toBe('A title wrapped');
    expect(p.version).toBe(2);
    expect(p.id).toBe('2406.01234');
  });

  it('rejects a missing title and a 10 MB title', () => {
    expect(() => normalizePaper({ ...base, title: '  ' })).toThrow(InvalidPaperError);
    expect(() => normalizePaper({ ...base, title: 'x'.repeat(10_000_000) })).toThrow(/title longer/);
  });

  it('finds code and project links in the abstract and comments', () => {
    const p = normalizePaper({
      ...base,
      abstract: 'Code is at https://github.com/org/repo.git. See https://arxiv.org/abs/1.',
      comments: 'Project page: https://org.github.io/proj/ ; 12 pages',
    });
    expect(p.codeUrl).toBe('https://github.com/org/repo');
    expect(p.projectUrl).toBe('https://org.github.io/proj/');
  });
});

describe('mergePapers', () => {
  it('lets the newer version win and keeps the earliest announcement', () => {
    const v1 = normalizePaper({ ...base, id: '2406.01234v1', title: 'Old', announcedOn: '2024-06-03', doi: '10.1/x' });
    const v2 = normalizePaper({ ...base, id: '2406.01234v2', title: 'New', announcedOn: '2024-06-05' });
    for (const merged of [mergePapers(v1, v2), mergePapers(v2, v1)]) {
      expect(merged.title).toBe('New');
      expect(merged.version).toBe(2);
      expect(merged.announcedOn).toBe('2024-06-03');
      expect(merged.doi).toBe('10.1/x');
    }
  });
});

describe('links', () => {
  it('recognises repositories and ignores non-repository pages', () => {
    expect(detectLinks('see https://gitlab.com/a/b/-/tree/main').codeUrl).toBe('https://gitlab.com/a/b');
    expect(detectLinks('see https://github.com/features').codeUrl).toBeNull();
    expect(githubRepoName('https://github.com/huggingface/transformers')).toBe('huggingface/transformers');
    expect(githubRepoName('https://gitlab.com/a/b')).toBeNull();
  });
});
