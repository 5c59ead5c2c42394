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

export class Template {
  /**
   * Text before the first hole, between holes and after the last (one more than there are holes placed), as UTF-8:
   * a filled page is then one copy of bytes into a buffer the socket takes as it is. Joined as text instead, every
   * signed-in response was encoded again while being written, which took a quarter of its time (docs/performance.md).
   */
  private readonly texts: Buffer[] = [];
  private readonly placed: Hole[] = [];
  private readonly etag: string;
  /** Bytes held, for bounding a cache of templates. */
  readonly size: number;
  private anonymous: FilledPage | null = null;

  constructor(document: string, holes: Hole[]) {
    const pieces = document.split(MARKER);
    for (let i = 0; i < pieces.length; i++) {
      if (i % 2 === 0) this.texts.push(Buffer.from(pieces[i]));
      else this.placed.push(holes[Number(pieces[i])]);
    }
    this.etag = crypto.createHash('sha1').update(document).digest('base64url');
    this.size = this.texts.reduce((n, t) => n + t.length, 0);
  }

  /**
   * The page for this viewer; `csrfToken` is called only when a filled variant holds a form. A signed-in viewer's
   * live holes take their HTML from `live`, which the ETag then covers as it is.
   */
  fill(viewer: Viewer, csrfToken: () => string, live: LiveParts = {}): FilledPage {
    const anonymous = viewer.account === null;
    if (anonymous && this.anonymous) return this.anonymous;
    const keys: string[] = [];
    const pieces: Buffer[] = [this.texts[0]];
    let token: Buffer | null = null;
    let tokenText = '';
    for (let i = 0; i < this.placed.length; i++) {
      const hole = this.placed[i];
      if (hole.live && !anonymous) {
        const part = live[hole.live] ?? '';
        // Length first, so that no two sets of parts join to the same text.
        keys.push(`${part.length}:${part}`);
        pieces.push(Buffer.from(part), this.texts[i + 1]);
        continue;
      }
      const key = hole.variantOf(viewer);
      let parts = hole.rendered.get(key);
      if (parts === undefined) {
        parts = hole
          .render(key)
          .split(CSRF_PLACEHOLDER)
          .map((part) => Buffer.from(part));
        hole.rendered.set(key, parts);
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
    const etag = `"${crypto
      .createHash('sha1')
      .update(`${this.etag}\n${keys.join('\n')}\n${tokenText}`)
      .digest('base64url')}"`;
    const body = Buffer.concat(pieces) as Uint8Array as Uint8Array<ArrayBuffer>;
    if (!anonymous) return { body, etag };
    this.anonymous = { body, etag };
    return this.anonymous;
  }
}
