// A page rendered once and completed per request. A listing page is the same for everyone except a few small
// parts: the account links in the header, the home page's "For you" tab, and each card's upvote and save controls.
// Rendering the page marks those parts as holes and keeps everything else as text; a request then fills each hole
// with the variant its viewer gets (anonymous, or signed in with or without their vote or save) and joins the
// pieces, which costs a small fraction of rendering the page. Each hole renders each of its variants once.
//
// Forms in a signed-in variant carry the viewer's CSRF token, so variants hold a placeholder that the fill
// replaces. The ETag of a filled page is a hash of what chose it (the template's own hash, each hole's variant key
// and the token), which determines the body exactly, so it is a strong validator without hashing the body again.
import crypto from 'node:crypto';
import { raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Account } from './layout.tsx';

/** What the holes of a page may depend on: who is asking, and their votes and saves among its papers. */
export interface Viewer {
  account: Account | null;
  upvoted: ReadonlySet<string>;
  saved: ReadonlySet<string>;
}

interface Hole {
  /** The variant this viewer gets. The same key always renders the same HTML (up to the CSRF placeholder). */
  variantOf(viewer: Viewer): string;
  render(key: string): string;
  /** Each variant rendered so far, cut at its CSRF placeholders (one piece when it has none), as UTF-8. */
  rendered: Map<string, Buffer[]>;
  /** A live hole's name: signed-in viewers get the HTML the request rendered for it (`fill`'s `live`). */
  live?: string;
}

/** HTML a request rendered for the live holes of its page, by name, with the viewer's real CSRF token in its forms. */
export type LiveParts = Readonly<Record<string, string>>;

export interface FilledPage {
  /** UTF-8 bytes; the anonymous page's are kept and sent many times. */
  body: Uint8Array<ArrayBuffer>;
  etag: string;
}

// A nonce per process in every marker and placeholder: no text from outside (a title, a URL) can forge one.
const NONCE = crypto.randomBytes(9).toString('base64url');
const MARKER = new RegExp(`<!--hole ${NONCE} (\\d+)-->`);
/** Stands for the viewer's CSRF token inside a variant's forms; the token is URL-safe base64 with dots. */
export const CSRF_PLACEHOLDER = `csrf-${NONCE}`;

/** Collects the holes while a page renders; `finish` turns the rendered document into a Template. */
export class TemplateBuilder {
  private readonly holes: Hole[] = [];

  /** A hole: `variantOf` picks the viewer's variant, `render` gives that variant's HTML. */
  hole(variantOf: (viewer: Viewer) => string, render: (key: string) => string): HtmlEscapedString {
    const index = this.holes.push({ variantOf, render, rendered: new Map() }) - 1;
    return raw(`<!--hole ${NONCE} ${index}-->`);
  }

  /**
   * A live hole: a part too personal to have a few variants (a person's own comments and claims), rendered for
   * a signed-in viewer whose filled page is not kept (templated-page.ts) and passed to `fill`; anonymous viewers
   * get `anonymous`, rendered once with the page.
   */
  live(name: string, anonymous: string): HtmlEscapedString {
    const index = this.holes.push({ variantOf: () => '', render: () => anonymous, rendered: new Map(), live: name }) - 1;
    return raw(`<!--hole ${NONCE} ${index}-->`);
  }

  finish(document: string): Template {
    return new Template(document, this.holes);
  }
}

/** Who nobody signed in is: the variants shared by every anonymous reader. */
const ANONYMOUS: Viewer = { account: null, upvoted: new Set(), saved: new Set() };

/**
 * The UTF-8 of `pieces` in one buffer of its own, as one view per piece. Buffer.from on a short text returns a
 * slice of Node's shared 8 KB pool, which a kept slice holds whole: templates kept that way held about four times
 * the bytes they counted (a heap snapshot of the soak run, docs/performance.md).
 */
function ownUtf8(pieces: readonly string[]): { bytes: Buffer; views: Buffer[] } {
  const lengths = pieces.map((piece) => Buffer.byteLength(piece));
  const bytes = Buffer.allocUnsafeSlow(lengths.reduce((n, length) => n + length, 0));
  let offset = 0;
  const views = pieces.map((piece, i) => {
    bytes.write(piece, offset);
    offset += lengths[i];
    return bytes.subarray(offset - lengths[i], offset);
  });
  return { bytes, views };
}

export class Template {
  /**
   * Text before the first hole, between holes and after the last (one more than there are holes placed), as UTF-8:
   * a filled page is then one copy of bytes into a buffer the socket takes as it is. Joined as text instead, every
   * signed-in response was encoded again while being written, which took a quarter of its time (docs/performance.md).
   * They are views of the anonymous page, which holds them between its holes' anonymous variants.
   */
  private readonly texts: Buffer[] = [];
  private readonly placed: Hole[] = [];
  private readonly etag: string;
  /** The page every anonymous reader gets, made with the template: it costs no more than the text alone. */
  private readonly anonymous: FilledPage;
  /** Bytes of the signed-in variants rendered so far. */
  private variantBytes = 0;

  constructor(document: string, holes: Hole[]) {
    const pieces = document.split(MARKER);
    const keys: string[] = [];
    // Text and anonymous variants in page order: even places are text, odd ones the holes'.
    const html: string[] = [];
    for (let i = 0; i < pieces.length; i++) {
      if (i % 2 === 0) {
        html.push(pieces[i]);
        continue;
      }
      const hole = holes[Number(pieces[i])];
      this.placed.push(hole);
      const key = hole.variantOf(ANONYMOUS);
      const variant = hole.render(key);
      // The anonymous page is shared by every anonymous reader, so it can carry nobody's CSRF token.
      if (variant.includes(CSRF_PLACEHOLDER)) throw new Error('an anonymous variant holds a form');
      keys.push(key);
      html.push(variant);
    }
    const { bytes, views } = ownUtf8(html);
    for (let i = 0; i < views.length; i += 2) this.texts.push(views[i]);
    this.etag = crypto.createHash('sha1').update(document).digest('base64url');
    this.anonymous = { body: bytes as Uint8Array as Uint8Array<ArrayBuffer>, etag: this.etagOf(keys, '') };
  }

  /** Bytes held (the anonymous page, which holds the text, and every variant rendered), for bounding a cache. */
  get size(): number {
    return this.anonymous.body.byteLength + this.variantBytes;
  }

  /**
   * The page for this viewer; `csrfToken` is called only when a filled variant holds a form. A signed-in viewer's
   * live holes take their HTML from `live`, which the ETag then covers as it is.
   */
  fill(viewer: Viewer, csrfToken: () => string, live: LiveParts = {}): FilledPage {
    if (viewer.account === null) return this.anonymous;
    const keys: string[] = [];
    const pieces: Buffer[] = [this.texts[0]];
    let token: Buffer | null = null;
    let tokenText = '';
    for (let i = 0; i < this.placed.length; i++) {
      const hole = this.placed[i];
      if (hole.live) {
        const part = live[hole.live] ?? '';
        // Length first, so that no two sets of parts join to the same text.
        keys.push(`${part.length}:${part}`);
        pieces.push(Buffer.from(part), this.texts[i + 1]);
        continue;
      }
      const key = hole.variantOf(viewer);
      let parts = hole.rendered.get(key);
      if (parts === undefined) {
        const rendered = ownUtf8(hole.render(key).split(CSRF_PLACEHOLDER));
        parts = rendered.views;
        hole.rendered.set(key, parts);
        this.variantBytes += rendered.bytes.byteLength;
      }
      keys.push(key);
      pieces.push(parts[0]);
      for (let j = 1; j < parts.length; j++) {
        if (token === null) {
          tokenText = csrfToken();
          token = Buffer.from(tokenText);
        }
        pieces.push(token, parts[j]);
      }
      pieces.push(this.texts[i + 1]);
    }
    return { body: Buffer.concat(pieces) as Uint8Array as Uint8Array<ArrayBuffer>, etag: this.etagOf(keys, tokenText) };
  }

  /** A hash of what chose the filled page (the template, each hole's variant, the token): it fixes the body. */
  private etagOf(keys: string[], token: string): string {
    return `"${crypto
      .createHash('sha1')
      .update(`${this.etag}\n${keys.join('\n')}\n${token}`)
      .digest('base64url')}"`;
  }
}
