// Safe XML parsing for the arXiv formats. arXiv never sends a DOCTYPE, so any DOCTYPE is refused (that rules
// out entity-expansion attacks), and only the five XML entities and numeric character references are
// accepted: anything else (`&nbsp;`, `&foo;`) is an undefined entity, which makes the document not well-formed.
// Nesting is bounded too: the parser turns its tree into objects recursively, so a document of 200k nested
// elements would overflow the stack; arXiv's responses nest about seven levels.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { UnusableInputError } from './errors.ts';

const ENTITY_REFERENCE = /&([^;&<>\s]{0,40});?/g;
const ALLOWED_ENTITY = /^(?:amp|lt|gt|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6})$/;
export const MAX_ELEMENT_DEPTH = 64;

/**
 * Parses a whole XML document into plain objects (namespace prefixes removed, attributes as `@name`);
 * throws UnusableInputError with a reason when it is not well-formed. Repeatable elements may come back
 * as one object or an array: read them with `list()`.
 */
export function parseXmlDocument(xml: string): Record<string, unknown> {
  if (typeof xml !== 'string' || !xml.trim()) throw new UnusableInputError('empty document');
  if (/<!DOCTYPE/i.test(xml)) throw new UnusableInputError('XML with a DOCTYPE is refused (entity declarations are not allowed)');
  for (const m of xml.matchAll(ENTITY_REFERENCE)) {
    if (!m[0].endsWith(';')) throw new UnusableInputError(`malformed XML: unescaped "&" at offset ${m.index}`);
    if (!ALLOWED_ENTITY.test(m[1])) {
      throw new UnusableInputError(`malformed XML: undefined entity ${JSON.stringify(m[0])} at offset ${m.index}`);
    }
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new UnusableInputError(`malformed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    removeNSPrefix: true,
    // Values stay strings: a title "1984" must not become a number.
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    // The checks above leave only XML entities and numeric references; htmlEntities decodes the numeric ones.
    processEntities: true,
    htmlEntities: true,
    // The parser counts the ancestors of the element it opens, so this admits exactly MAX_ELEMENT_DEPTH levels.
    maxNestedTags: MAX_ELEMENT_DEPTH - 1,
  });
  try {
    return parser.parse(xml) as Record<string, unknown>;
  } catch (e) {
    if (/nested tags/i.test((e as Error)?.message ?? '')) throw new UnusableInputError(`elements nested deeper than ${MAX_ELEMENT_DEPTH} levels`);
    throw new UnusableInputError(`malformed XML: ${(e as Error)?.message ?? String(e)}`);
  }
}

/** The text of an element that may carry attributes (then the text is under `#text`). */
export function text(node: unknown): string {
  if (node === undefined || node === null) return '';
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (typeof node === 'object' && '#text' in (node as Record<string, unknown>)) return text((node as Record<string, unknown>)['#text']);
  return '';
}

export function attr(node: unknown, name: string): string | null {
  if (!node || typeof node !== 'object') return null;
  const v = (node as Record<string, unknown>)[`@${name}`];
  return typeof v === 'string' ? v : null;
}

export function list(node: unknown): unknown[] {
  if (node === undefined || node === null || node === '') return [];
  return Array.isArray(node) ? node : [node];
}

export function child(node: unknown, name: string): unknown {
  return node && typeof node === 'object' ? (node as Record<string, unknown>)[name] : undefined;
}
