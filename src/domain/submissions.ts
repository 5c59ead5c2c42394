// The Daily Papers submission rule shared by a direct submission and one completed after the paper was fetched:
// as on Hugging Face, only papers published on arXiv within the last N days can be submitted.

export interface PublishedPaper {
  submittedAt: string | null;
  versions: { version: number; created: string }[];
}

/** Why the paper cannot be submitted now, or null when it can. */
export function ageProblem(paper: PublishedPaper, now: Date, maxAgeDays: number): string | null {
  const published = paper.versions.find((v) => v.version === 1)?.created ?? paper.submittedAt;
  if (!published || Number.isNaN(Date.parse(published))) return 'arXiv does not say when this paper was published, so it cannot be submitted';
  const ageDays = (now.getTime() - Date.parse(published)) / 86_400_000;
  if (ageDays > maxAgeDays) {
    return `only papers published on arXiv in the last ${maxAgeDays} days can be submitted (this one is from ${published.slice(0, 10)})`;
  }
  return null;
}
