// Author and organisation pages with their feeds, and claiming authorship from a paper page. Each handler parses
// its input, calls the store, and renders; the rules of claims live in src/db/claims.ts.
import type { Context } from 'hono';
import { z } from 'zod';
import { authorCategories, authorClaimants, authorPaperIds, coAuthors, getAuthor } from '../../db/authors.ts';
import { createClaim, openClaimOnPaper, withdrawClaim } from '../../db/claims.ts';
import { listedPapersByIds, type ListedPaper } from '../../db/listings.ts';
import { getOrganization, organizationPaperIds, type PaperPeople } from '../../db/people.ts';
import { authorSlug, keyFromSlug } from '../../domain/author-name.ts';
import { notFound } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { feedItem } from '../components/feed-item.ts';
import { htmlDocument } from '../components/layout.tsx';
import { paperPath } from '../components/paper-card.tsx';
import { orgPath } from '../components/people-links.tsx';
import { feedLinks, feedResponse, type FeedFormat } from '../http/feeds.ts';
import { accountOf, htmlResponse, newest } from '../http/responses.tsx';
import { arxivIdInPath, formText, PAGE_SIZE, pageParam, parseQuery, readForm, safeLocalPath } from '../input.ts';
import { type CurrentUser, currentUser, userOrFail } from '../security/auth.ts';
import { AuthorPage } from './author-page.tsx';
import { ClaimPanel } from './claim-panel.tsx';
import { OrganizationPage } from './organization-page.tsx';
import { cardState, withCardState } from '../library/card-state.tsx';
import { readsOf } from '../http/request-reads.ts';

const pageQuery = z.object({ p: pageParam.optional() });

function lastModifiedOf(items: ListedPaper[]): string | null {
  return newest(...items.map((i) => i.paper.modifiedAt));
}

export function peopleHandlers(ctx: Services) {
  const { database, config } = ctx;

  /** The author a path names; a non-canonical spelling of the slug is answered with the canonical path. */
  async function authorFrom(c: Context) {
    const slug = c.req.param('slug') ?? '';
    const key = keyFromSlug(slug);
    const author = await getAuthor(database, key);
    if (!author) throw notFound(`no author named “${slug}” here`);
    return { author, canonicalSlug: authorSlug(key), slug };
  }

  async function organizationFrom(c: Context) {
    const name = c.req.param('name') ?? '';
    const organization = await getOrganization(database, name);
    if (!organization) throw notFound(`no organisation named “${name}” here`);
    return organization;
  }

  return {
    authorPage: async (c: Context) => {
      const { author, canonicalSlug, slug } = await authorFrom(c);
      const path = `/authors/${encodeURIComponent(canonicalSlug)}`;
      if (slug !== canonicalSlug) return c.redirect(path + new URL(c.req.url).search, 301);
      const page = parseQuery(c, pageQuery).p ?? 0;
      const ids = await authorPaperIds(database, author.key, { offset: page * PAGE_SIZE, limit: PAGE_SIZE });
      const [items, coauthors, categories, claimants] = await Promise.all([
        listedPapersByIds(database, ids),
        coAuthors(database, author.key),
        authorCategories(database, author.key),
        authorClaimants(database, author.key),
      ]);
      const state = await cardState(ctx, c, ids);
      const html = htmlDocument(
        withCardState(
          state,
          <AuthorPage
            author={author}
            items={items}
            page={page}
            limit={PAGE_SIZE}
            path={path}
            canonical={config.baseUrl + path + (page ? `?p=${page}` : '')}
            feeds={feedLinks(path, `Papers by ${author.name}`)}
            coauthors={coauthors}
            categories={categories}
            claimants={claimants}
            account={accountOf(c)}
          />,
        ),
      );
      // No Last-Modified: "Who this is" changes with claims that no paper's time records; the ETag covers it.
      return htmlResponse(c, html, null);
    },

    authorFeed: async (c: Context, format: FeedFormat) => {
      const { author, canonicalSlug } = await authorFrom(c);
      const items = await listedPapersByIds(database, await authorPaperIds(database, author.key, { offset: 0, limit: PAGE_SIZE }));
      return feedResponse(
        c,
        format,
        {
          title: `Paperfeed · Papers by ${author.name}`,
          description: `The newest papers by ${author.name}.`,
          homePageUrl: `${config.baseUrl}/authors/${encodeURIComponent(canonicalSlug)}`,
          updated: lastModifiedOf(items),
          items: items.map((i) => feedItem(config.baseUrl, i)),
        },
        config.baseUrl,
      );
    },

    organizationPage: async (c: Context) => {
      const organization = await organizationFrom(c);
      const page = parseQuery(c, pageQuery).p ?? 0;
      const { ids, total } = await organizationPaperIds(database, organization.name, { offset: page * PAGE_SIZE, limit: PAGE_SIZE });
      const items = await listedPapersByIds(database, ids);
      const path = orgPath(organization.name);
      const state = await cardState(ctx, c, ids);
      const html = htmlDocument(
        withCardState(
          state,
          <OrganizationPage
            organization={organization}
            items={items}
            total={total}
            page={page}
            limit={PAGE_SIZE}
            path={path}
            canonical={config.baseUrl + path + (page ? `?p=${page}` : '')}
            feeds={feedLinks(path, `Papers from ${organization.fullname}`)}
            account={accountOf(c)}
          />,
        ),
      );
      return htmlResponse(c, html, lastModifiedOf(items));
    },

    organizationFeed: async (c: Context, format: FeedFormat) => {
      const organization = await organizationFrom(c);
      const { ids } = await organizationPaperIds(database, organization.name, { offset: 0, limit: PAGE_SIZE });
      const items = await listedPapersByIds(database, ids);
      return feedResponse(
        c,
        format,
        {
          title: `Paperfeed · Papers from ${organization.fullname}`,
          description: `The newest papers from ${organization.fullname}.`,
          homePageUrl: config.baseUrl + orgPath(organization.name),
          updated: lastModifiedOf(items),
          items: items.map((i) => feedItem(config.baseUrl, i)),
        },
        config.baseUrl,
      );
    },

    claim: async (c: Context) => {
      const { id } = arxivIdInPath(c);
      const form = await readForm(c);
      const position = formText(form.position).trim();
      await createClaim(database, { userId: userOrFail(c).id, paperId: id, position: /^\d{1,5}$/.test(position) ? Number(position) : -1 });
      return c.redirect(`${paperPath(id)}#claim`, 303);
    },

    withdraw: async (c: Context) => {
      const form = await readForm(c);
      const claim = await withdrawClaim(database, userOrFail(c).id, c.req.param('id') ?? '');
      return c.redirect(safeLocalPath(form.back, `${paperPath(claim.paperId)}#claim`), 303);
    },
  };
}

/**
 * The claim form and the visitor's own claim, for the paper page (its `claims` extension). Anonymous visitors get
 * a sign-in link and no form, so their copy of the page stays cacheable.
 */
export function claimPanel(ctx: Services) {
  return async (c: Context, item: ListedPaper, people: PaperPeople, user: CurrentUser | null) => {
    const own = user ? await openClaimOnPaper(readsOf(c, ctx.database), user.id, item.paper.id) : null;
    return <ClaimPanel c={c} paperId={item.paper.id} authors={item.paper.authors} people={people} own={own} signedIn={!!user} />;
  };
}
