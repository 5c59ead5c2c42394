// The rule for submitting a paper to the Daily Papers, as on Hugging Face: only papers published on arXiv within
// the last N days can be submitted.
import type { Paper } from './paper.ts';

/** Why a paper cannot be submitted now, or null when it can. Its publication is its first version's date. */
export function ageProblem(paper: Pick<Paper, 'submittedAt' | 'versions'>, now: Date, maxAgeDays: number): string | null {
  const published = paper.versions.find((v) => v.version === 1)?.created ?? paper.submittedAt;
  if (!published || Number.isNaN(Date.parse(published))) return 'arXiv does not say when this paper was published, so it cannot be submitted';
  const ageDays = (now.getTime() - Date.parse(published)) / 86_400_000;
  if (ageDays > maxAgeDays) {
    return `only papers published on arXiv in the last ${maxAgeDays} days can be submitted (this one is from ${published.slice(0, 10)})`;
  }
  return null;
}
