// citation-js ships no type declarations; the tests use its BibTeX reader only through Cite#data.
declare module '@citation-js/core' {
  export class Cite {
    constructor(input: string);
    data: Record<string, unknown>[];
  }
}
declare module '@citation-js/plugin-bibtex';
