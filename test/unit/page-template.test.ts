// Templates (src/web/components/page-template.ts): a page rendered once, its holes filled per viewer.
import { describe, expect, it } from 'vitest';
import { CSRF_PLACEHOLDER, TemplateBuilder, type Viewer } from '../../src/web/components/page-template.ts';

const text = (page: { body: string | Uint8Array }) => (typeof page.body === 'string' ? page.body : new TextDecoder().decode(page.body));

const anonymous: Viewer = { account: null, upvoted: new Set(), saved: new Set() };
const ada: Viewer = { account: { username: 'ada' }, upvoted: new Set(['p1']), saved: new Set() };
const bob: Viewer = { account: { username: 'bob' }, upvoted: new Set(), saved: new Set() };

function votePage(title: string) {
  const builder = new TemplateBuilder();
  let renders = 0;
  const hole = builder.hole(
    (v) => (v.account ? (v.upvoted.has('p1') ? '1' : '0') : 'a'),
    (key) => {
      renders++;
      return key === 'a'
        ? '<a href="/signin">vote</a>'
        : `<form><input name="csrf" value="${CSRF_PLACEHOLDER}"><button>${key === '1' ? 'unvote' : 'vote'}</button></form>`;
    },
  );
  const template = builder.finish(`<h1>${title}</h1>${hole}<p>end</p>`);
  return { template, renders: () => renders };
}

describe('page templates', () => {
  it("fills each hole with the viewer's variant and their own CSRF token, rendering each variant once", () => {
    const { template, renders } = votePage('Papers');
    expect(text(template.fill(anonymous, () => 'never'))).toBe('<h1>Papers</h1><a href="/signin">vote</a><p>end</p>');
    expect(text(template.fill(ada, () => 'ada-token'))).toBe(
      '<h1>Papers</h1><form><input name="csrf" value="ada-token"><button>unvote</button></form><p>end</p>',
    );
    expect(text(template.fill(bob, () => 'bob-token'))).toContain('value="bob-token"><button>vote</button>');
    expect(text(template.fill(bob, () => 'bob-token'))).toContain('value="bob-token"><button>vote</button>');
    expect(renders()).toBe(3);
  });

  it('gives each distinct body its own ETag and the same body the same one', () => {
    const { template } = votePage('Papers');
    const tags = [
      template.fill(anonymous, () => '').etag,
      template.fill(ada, () => 't1').etag,
      template.fill(ada, () => 't2').etag,
      template.fill(bob, () => 't1').etag,
      votePage('Other papers').template.fill(anonymous, () => '').etag,
    ];
    expect(new Set(tags).size).toBe(tags.length);
    expect(template.fill(ada, () => 't1').etag).toBe(tags[1]);
    expect(tags.every((t) => /^"[\w-]+"$/.test(t))).toBe(true);
  });

  it("gives anonymous viewers a live hole's one rendering and each signed-in viewer the part their request rendered", () => {
    const builder = new TemplateBuilder();
    const comments = builder.live('comments', '<p>Sign in to comment</p>');
    const template = builder.finish(`<h1>Paper</h1>${comments}<p>end</p>`);
    expect(text(template.fill(anonymous, () => 'never', { comments: '<form>never shown</form>' }))).toBe('<h1>Paper</h1><p>Sign in to comment</p><p>end</p>');
    const adaPage = template.fill(ada, () => 't', { comments: '<form>ada</form>' });
    expect(text(adaPage)).toBe('<h1>Paper</h1><form>ada</form><p>end</p>');
    const bobPage = template.fill(bob, () => 't', { comments: '<form>bob</form>' });
    expect(text(bobPage)).toBe('<h1>Paper</h1><form>bob</form><p>end</p>');
    // The ETag covers the live part: a new comment changes it, the same part keeps it.
    expect(bobPage.etag).not.toBe(adaPage.etag);
    expect(template.fill(ada, () => 't', { comments: '<form>ada</form>' }).etag).toBe(adaPage.etag);
    expect(template.fill(ada, () => 't', { comments: '<form>ada</form><p>new</p>' }).etag).not.toBe(adaPage.etag);
  });

  it('keeps the ETags of two live holes apart however their parts split the same text', () => {
    const builder = new TemplateBuilder();
    const template = builder.finish(`${builder.live('a', '')}${builder.live('b', '')}`);
    const one = template.fill(ada, () => 't', { a: 'x\ny', b: 'z' });
    const two = template.fill(ada, () => 't', { a: 'x', b: 'y\nz' });
    expect(text(one)).not.toBe(text(two));
    expect(one.etag).not.toBe(two.etag);
  });

  it('counts the bytes it holds: the anonymous page, in a buffer of its own, and each signed-in variant once rendered', () => {
    const { template } = votePage('Pâpers');
    const page = template.fill(anonymous, () => 'never');
    // Its own memory, not a slice of Node's shared pool that would keep 8 KB alive for a few bytes.
    expect(page.body.buffer.byteLength).toBe(page.body.byteLength);
    expect(template.size).toBe(page.body.byteLength);
    template.fill(ada, () => 't');
    const withVote = template.size;
    // The variant without its CSRF placeholder, which the fill replaces.
    const variant = Buffer.byteLength('<form><input name="csrf" value=""><button>unvote</button></form>');
    expect(withVote).toBe(page.body.byteLength + variant);
    template.fill(ada, () => 'other token');
    expect(template.size).toBe(withVote);
  });

  it('refuses a page whose anonymous variant holds a form: the anonymous page is shared, so no token may be in it', () => {
    const builder = new TemplateBuilder();
    const hole = builder.hole(
      () => 'a',
      () => `<form><input name="csrf" value="${CSRF_PLACEHOLDER}"></form>`,
    );
    expect(() => builder.finish(`<p>${hole}</p>`)).toThrow(/anonymous variant holds a form/);
  });

  it('treats text that looks like a hole marker as text: markers carry a per-process nonce', () => {
    const builder = new TemplateBuilder();
    const forged = '<!--hole x 0-->';
    const template = builder.finish(`<p>${forged}</p>`);
    expect(text(template.fill(ada, () => 't'))).toBe(`<p>${forged}</p>`);
  });
});
