// The paper ids of one search snapshot: document number ↔ arXiv id, packed (see string-table.ts).
import { StringTable } from './string-table.ts';

export class PaperIds extends StringTable {
  /** The id of document `doc`. */
  id(doc: number): string {
    return this.at(doc);
  }

  /** The document number of `id`, or undefined. */
  doc(id: string): number | undefined {
    return this.get(id);
  }
}
