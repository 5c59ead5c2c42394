// arXiv category names (https://arxiv.org/category_taxonomy): an archive, lower case with hyphens, and for most an
// upper- or mixed-case subject class after a dot: cs.CV, math.AG, hep-th, q-bio.NC, astro-ph.CO. One pattern for
// the configuration, URLs, search filters and digest preferences.

export const ARXIV_CATEGORY = /^[a-z]+(?:-[a-z]+)*(?:\.[A-Za-z]+(?:-[A-Za-z]+)*)?$/;
/** The longest real name is about 20 characters; anything much longer is not a category. */
export const ARXIV_CATEGORY_MAX_LENGTH = 40;

export function isArxivCategory(name: string): boolean {
  return name.length <= ARXIV_CATEGORY_MAX_LENGTH && ARXIV_CATEGORY.test(name);
}
