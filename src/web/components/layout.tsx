// The page frame: head (title, canonical URL, sharing meta, feed autodiscovery, hashed CSS/JS), the site header
// with its navigation, the subscribe box, the main content and the footer. Pages pass what varies.
import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import { assetUrl } from './assets.ts';
import { CardForm } from './card-actions.tsx';
import { SubscribeSlot } from './subscribe-slot.tsx';

export type NavKey = 'daily' | 'weekly' | 'monthly' | 'trending' | 'collections' | 'search' | 'submit' | 'signin' | 'library' | null;

export interface FeedLink {
  title: string;
  href: string;
  type: 'application/rss+xml' | 'application/atom+xml' | 'application/feed+json' | 'application/json';
}

export interface ShareMeta {
  /** og:type: website for listings, article for a paper. */
  type: 'website' | 'article';
  image?: { url: string; width: number; height: number; type: string; alt: string };
}

export interface Account {
  username: string;
  moderator?: boolean;
}

export interface LayoutProps {
  title: string;
  description?: string;
  /** Absolute canonical URL. */
  canonical: string;
  current?: NavKey;
  feeds?: FeedLink[];
  share?: ShareMeta;
  /** JSON-LD object for structured data; serialised safely inside a data block. */
  jsonLd?: unknown;
  /** The signed-in account, or null/undefined for anonymous visitors; moderators get a link to /mod. */
  account?: Account | null;
  /** In place of the account links for `account`: a page template's hole, filled per viewer (page-template.ts). */
  accountLinks?: Child;
  /** Pages that must not be indexed (errors). */
  noindex?: boolean;
  /** More elements for the head (a paper's citation_* meta); hono/jsx keeps only one meta per name outside it. */
  head?: Child;
  children?: Child;
}

const NAV: { key: Exclude<NavKey, null>; href: string; label: string }[] = [
  { key: 'daily', href: '/', label: 'Daily' },
  { key: 'weekly', href: '/papers/week', label: 'Weekly' },
  { key: 'monthly', href: '/papers/month', label: 'Monthly' },
  { key: 'trending', href: '/papers/trending', label: 'Trending' },
  { key: 'collections', href: '/collections', label: 'Collections' },
  { key: 'search', href: '/search', label: 'Search' },
  { key: 'submit', href: '/submit', label: 'Submit' },
];

/**
 * Serialises JSON for a <script type="application/ld+json"> block. `<` becomes \u003c so no string inside
 * (a title with "</script>") can end the block early; U+2028/2029 are escaped for old parsers.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The header's links that depend on who is asking: their library, moderation, and their name or "Sign in". */
export function AccountLinks(props: { account: Account | null; current: NavKey }) {
  const { account, current } = props;
  return (
    <>
      {account && (
        <li>
          <a href="/library" aria-current={current === 'library' ? 'page' : undefined}>
            Library
          </a>
        </li>
      )}
      {account?.moderator && (
        <li>
          <a href="/mod">Moderation</a>
        </li>
      )}
      <li>
        {account ? (
          <a href="/settings">{account.username}</a>
        ) : (
          <a href="/signin" aria-current={current === 'signin' ? 'page' : undefined}>
            Sign in
          </a>
        )}
      </li>
    </>
  );
}

export function Layout(props: LayoutProps) {
  const siteName = 'Paperfeed';
  const fullTitle = props.title === siteName ? siteName : `${props.title} · ${siteName}`;
  const image = props.share?.image;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>{fullTitle}</title>
        {props.description && <meta name="description" content={props.description} />}
        {props.noindex && <meta name="robots" content="noindex" />}
        <link rel="canonical" href={props.canonical} />
        <link rel="icon" href={assetUrl('favicon.svg')} type="image/svg+xml" />
        <link rel="stylesheet" href={assetUrl('app.css')} />
        <script type="module" src={assetUrl('app.js')}></script>
        {(props.feeds ?? []).map((f) => (
          <link rel="alternate" type={f.type} title={f.title} href={f.href} />
        ))}
        <meta property="og:site_name" content={siteName} />
        <meta property="og:title" content={props.title} />
        <meta property="og:type" content={props.share?.type ?? 'website'} />
        <meta property="og:url" content={props.canonical} />
        {props.description && <meta property="og:description" content={props.description} />}
        {image && (
          <>
            <meta property="og:image" content={image.url} />
            <meta property="og:image:type" content={image.type} />
            <meta property="og:image:width" content={String(image.width)} />
            <meta property="og:image:height" content={String(image.height)} />
            <meta property="og:image:alt" content={image.alt} />
          </>
        )}
        <meta name="twitter:card" content={image ? 'summary_large_image' : 'summary'} />
        <meta name="twitter:title" content={props.title} />
        {props.description && <meta name="twitter:description" content={props.description} />}
        {image && <meta name="twitter:image" content={image.url} />}
        {image && <meta name="twitter:image:alt" content={image.alt} />}
        {props.jsonLd !== undefined && <script type="application/ld+json">{raw(jsonForScript(props.jsonLd))}</script>}
        {props.head}
      </head>
      <body>
        <CardForm />
        <a class="skip" href="#content">
          Skip to content
        </a>
        <header class="site">
          <div class="wrap">
            <a class="brand" href="/">
              Paperfeed
            </a>
            <nav class="main" aria-label="Main">
              <ul>
                {NAV.map((n) => (
                  <li>
                    <a href={n.href} aria-current={props.current === n.key ? 'page' : undefined}>
                      {n.label}
                    </a>
                  </li>
                ))}
                {props.accountLinks ?? <AccountLinks account={props.account ?? null} current={props.current ?? null} />}
              </ul>
            </nav>
            {/* Shown by app.js, which applies and remembers the choice; without script the system's scheme applies. */}
            <button type="button" class="theme-toggle" data-theme-toggle title="Colour scheme: the system's, light or dark" hidden>
              ◐ Auto
            </button>
          </div>
        </header>
        <aside class="banner" aria-label="Email digest">
          <div class="wrap">
            <SubscribeSlot />
          </div>
        </aside>
        <main id="content" class="wrap">
          {props.children}
        </main>
        <footer class="site">
          <div class="wrap">
            <p>Paperfeed — papers by the research community, from arXiv and Hugging Face Daily Papers. Metadata from arXiv (CC0).</p>
            <ul>
              <li>
                <a href="/feeds">Feeds</a>
              </li>
              <li>
                <a href="/api/openapi.json">API (OpenAPI)</a>
              </li>
              <li>
                <a href="/sitemap.xml">Sitemap</a>
              </li>
            </ul>
          </div>
        </footer>
      </body>
    </html>
  );
}

/** A complete HTML document string for a page element. */
export function htmlDocument(page: Child): string {
  return '<!DOCTYPE html>' + String(page);
}
