// Digest pages: sign up (double opt-in), confirm, manage through a signed link, unsubscribe (also RFC 8058
// one-click), and a browser preview of a digest. Handlers parse, validate, call src/db and src/mail, respond.
//
// Links in mails carry signed tokens (src/mail/links.ts). Pages reached through them are personal: never cached,
// never indexed. GET never changes anything: a confirmation or unsubscribe link opens a page with a button,
// because mail scanners open links on their own.
import type { Context, Handler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { Child } from 'hono/jsx';
import { withTransaction } from '../../db/connect.ts';
import { latestDayWithPapers } from '../../db/listings.ts';
import { LruCache } from '../../lru.ts';
import {
  confirmSubscription,
  forYouReaders,
  getSubscription,
  requestSubscription,
  unsubscribe as unsubscribeSubscription,
  updatePreferences,
  type Subscription,
} from '../../db/subscriptions.ts';
import { addDays, dayOf, type Period } from '../../domain/periods.ts';
import { AppError, badRequest } from '../../errors.ts';
import { composeDigest } from '../../mail/digest-runner.ts';
import { loadPeriodPapers, type DigestPaper } from '../../mail/digest-content.ts';
import { forYouPicks } from '../../mail/for-you.ts';
import { normalizeAddress } from '../../mail/headers.ts';
import { queueMail } from '../../mail/queue.ts';
import { LinkSigner, mailLinks, mailLinkSigner, type MailLinks } from '../../mail/links.ts';
import { parsePreferences, type Preferences } from '../../mail/preferences.ts';
import { renderConfirmation } from '../../mail/render.ts';
import { periodForDate, type DigestPeriod } from '../../mail/schedule.ts';
import { TopicIndex } from '../../mail/topics.ts';
import { messageIdHost } from '../../mail/transport.ts';
import type { Services } from '../../services.ts';
import { htmlDocument, Layout } from '../components/layout.tsx';
import { privatePage } from '../http/responses.tsx';
import { dayParam, formText, parseQuery, queryText, readForm } from '../input.ts';
import { currentUser } from '../security/auth.ts';
import type { CommunityLimits } from '../security/community-limits.ts';
import { csrfField } from '../security/csrf.ts';
import { CheckInboxPage, ConfirmedPage, ConfirmPage, InvalidLinkPage, SavedPage, UnsubscribedPage, UnsubscribePage } from './pages.tsx';
import { SubscriptionForm } from './subscription-form.tsx';

// The email preview is the mail's own HTML, inline styles included, so it gets a CSP of its own: styles only,
// no script, no forms, not framed.
const PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** What the digest routes share: the link signer (its secret is read once) and recent periods' papers. */
export interface DigestShared {
  links(): Promise<MailLinks>;
  signer(): Promise<LinkSigner>;
  /** A period's papers and topic index, kept for a minute: previews are public and a period takes a few hundred ms to load. */
  periodContent(period: DigestPeriod): Promise<{ period: DigestPeriod; trending: DigestPaper[]; index: TopicIndex }>;
  /** Anonymous previews as rendered, by their normalised parameters, kept for a minute. */
  previews: LruCache<string, string>;
}

/**
 * /digest/preview: a subscriber's next digest (token), or an anonymous one for the topics given (categories and
 * interests may repeat, as checkboxes send them), for a date or the next one due.
 */
const previewQuerySchema = z.object({
  token: z.string().optional(),
  date: dayParam.optional(),
  format: z.enum(['html', 'text']).optional(),
  frequency: z.string().optional(),
  categories: z.array(z.string()).optional(),
  interests: z.array(z.string()).optional(),
  paperCount: z.string().optional(),
});

const PERIOD_CACHE_MS = 60_000;
/**
 * A period's papers with their topic index take a few MB each. Previews and digests ask for the current day and
 * week, and their successors around midnight and Monday; older dates are rare enough to load again.
 */
const PERIOD_CACHE_ENTRIES = 4;
/**
 * Rendered previews: 256 at most, and 2 Mi characters of HTML between them (about 40 fifty-paper previews; a soak
 * run's cycling through dates filled 4 Mi characters, 6.7 MB of heap, within minutes).
 */
const PREVIEW_CACHE_ENTRIES = 256;
const PREVIEW_CACHE_CHARACTERS = 2 * 1024 * 1024;

export function digestShared(ctx: Services): DigestShared {
  let signer: Promise<LinkSigner> | null = null;
  const getSigner = () =>
    (signer ??= mailLinkSigner(ctx.config, ctx.database).catch((e) => {
      signer = null; // a failed first read (database briefly down) is retried by the next request
      throw e;
    }));
  const periods = new LruCache<string, ReturnType<DigestShared['periodContent']>>({ maxEntries: PERIOD_CACHE_ENTRIES, maxAgeMs: PERIOD_CACHE_MS });
  return {
    signer: getSigner,
    previews: new LruCache<string, string>({
      maxEntries: PREVIEW_CACHE_ENTRIES,
      maxSize: PREVIEW_CACHE_CHARACTERS,
      sizeOf: (body) => body.length,
      maxAgeMs: PERIOD_CACHE_MS,
    }),
    links: async () => mailLinks(ctx.config.baseUrl, await getSigner()),
    periodContent(period) {
      const key = `${period.frequency}/${period.key}`;
      const hit = periods.get(key);
      if (hit) return hit;
      const content = loadPeriodPapers(ctx.database, period).then((trending) => ({ period, trending, index: new TopicIndex(trending, ctx.search) }));
      // A failed load is not kept.
      content.catch(() => periods.get(key) === content && periods.delete(key));
      periods.set(key, content);
      return content;
    },
  };
}

/** A subscription named by a signed unsubscribe/manage token, or null for a token that does not verify. */
async function subscriptionFromToken(ctx: Services, shared: DigestShared, purpose: 'unsubscribe' | 'manage', token: unknown): Promise<Subscription | null> {
  const parsed = LinkSigner.parse(token);
  if (!parsed || parsed.nonce !== null) return null;
  const sub = await getSubscription(ctx.database, parsed.id);
  if (!sub) return null;
  return (await shared.signer()).verifySubscription(purpose, parsed, sub.linkKey) ? sub : null;
}

export function digestHandlers(ctx: Services, shared: DigestShared, limits: Pick<CommunityLimits, 'digestPreviews'>) {
  const { config, database } = ctx;
  const render = (c: Context, title: string, body: Child, status = 200) => privatePage(c, config.baseUrl, title, body, { status });

  const form = (c: Context, props: { email: string; preferences?: Preferences; errors?: string[] }) => (
    <section>
      <h1>Get trending papers in your email inbox</h1>
      <p>
        The day's (or week's) trending papers plus the best new papers on your topics. You confirm by mail first; every digest has a one-click unsubscribe link.
      </p>
      <SubscriptionForm
        action="/subscribe"
        csrf={csrfField(c)}
        email={props.email}
        emailEditable
        preferences={props.preferences}
        suggestedCategories={config.ARXIV_CATEGORIES}
        errors={props.errors}
        submitLabel="Subscribe"
      />
      <p class="muted">
        <a href="/digest/preview">See an example digest</a>
      </p>
    </section>
  );

  const subscribePage = (c: Context) => {
    const email = queryText(c, 'email').slice(0, 254);
    return render(c, 'Subscribe to paper digests', form(c, { email }));
  };

  const subscribe = async (c: Context) => {
    const body = await readForm(c);
    const rawEmail = formText(body.email);
    const email = normalizeAddress(rawEmail);
    const parsed = parsePreferences(body);
    const errors = [...(email ? [] : ['Enter a valid email address.']), ...(parsed.ok ? [] : parsed.errors)];
    if (!email || !parsed.ok) {
      return render(c, 'Subscribe to paper digests', form(c, { email: rawEmail.slice(0, 254), errors }), 400);
    }
    const now = new Date();
    const user = currentUser(c);
    const links = await shared.links();
    // The sign-up and its confirmation mail are stored together; the mail leaves through the queue, so the
    // answer does not wait for the mail server (src/mail/queue.ts).
    const outcome = await withTransaction(database, async (trx) => {
      const outcome = await requestSubscription(trx, {
        email,
        preferences: parsed.preferences,
        userId: user && user.email?.toLowerCase() === email.toLowerCase() ? user.id : null,
        now,
        confirmTtlMs: config.SUBSCRIBE_CONFIRM_HOURS * 3_600_000,
        mailWindowMs: config.SUBSCRIBE_MAIL_WINDOW_MINUTES * 60_000,
      });
      if (outcome.sendConfirmation) {
        const sub = outcome.subscription;
        const mail = renderConfirmation(
          outcome.kind,
          outcome.kind === 'change' ? parsed.preferences : sub.preferences,
          links.confirm(sub.id, sub.confirmNonce!),
          config.SUBSCRIBE_CONFIRM_HOURS,
        );
        await queueMail(
          trx,
          config,
          {
            to: email,
            ...mail,
            headers: { 'Auto-Submitted': 'auto-generated' },
            key: `subscribe:${sub.id}:${now.toISOString()}`,
            expiresAt: new Date(now.getTime() + config.SUBSCRIBE_CONFIRM_HOURS * 3_600_000),
          },
          now,
        );
      }
      return outcome;
    });
    // The page is the same whether or not a mail went out, so the form tells nobody whether an address is subscribed.
    if (outcome.sendConfirmation) ctx.mailQueue.kick();
    return render(c, 'Check your inbox', <CheckInboxPage kind={outcome.kind} />);
  };

  const confirmPage = async (c: Context) => {
    const token = queryText(c, 'token');
    const parsed = LinkSigner.parse(token);
    if (!parsed || !(await shared.signer()).verifyConfirm(parsed)) return render(c, 'Link not valid', <InvalidLinkPage />, 400);
    return render(c, 'Confirm your digest', <ConfirmPage token={token} csrf={csrfField(c)} />);
  };

  const confirm = async (c: Context) => {
    const body = await readForm(c);
    const parsed = LinkSigner.parse(body.token);
    if (!parsed || !(await shared.signer()).verifyConfirm(parsed)) return render(c, 'Link not valid', <InvalidLinkPage />, 400);
    const outcome = await confirmSubscription(database, parsed.id, parsed.nonce!, new Date());
    if (outcome === 'invalid') return render(c, 'Link not valid', <InvalidLinkPage />, 400);
    const sub = (await getSubscription(database, parsed.id))!;
    const links = await shared.links();
    const manageUrl = links.manage(sub.id, sub.linkKey);
    return render(
      c,
      outcome === 'confirmed' ? 'Subscribed' : 'Digest updated',
      <ConfirmedPage
        outcome={outcome}
        manageUrl={manageUrl}
        previewUrl={`/digest/preview?token=${encodeURIComponent(new URL(manageUrl).searchParams.get('token')!)}`}
      />,
    );
  };

  const unsubscribePage = async (c: Context) => {
    const token = queryText(c, 'token');
    const sub = await subscriptionFromToken(ctx, shared, 'unsubscribe', token);
    if (!sub) return render(c, 'Link not valid', <InvalidLinkPage />, 400);
    if (sub.status === 'unsubscribed') return render(c, 'Unsubscribed', <UnsubscribedPage email={sub.email} />);
    return render(c, 'Unsubscribe', <UnsubscribePage email={sub.email} action={`/unsubscribe?token=${encodeURIComponent(token)}`} />);
  };

  const managePage = async (c: Context, sub: Subscription, token: string, errors?: string[], status = 200) => {
    const links = await shared.links();
    return render(
      c,
      'Your digest',
      <section>
        <h1>Your paper digest</h1>
        {sub.status !== 'active' && (
          <p class="notice">
            This address gets no digests at the moment ({sub.status}). Saving these settings does not restart them: subscribe again for that.
          </p>
        )}
        <SubscriptionForm
          action="/subscription"
          csrf={csrfField(c)}
          email={sub.email}
          emailEditable={false}
          preferences={sub.preferences}
          suggestedCategories={config.ARXIV_CATEGORIES}
          errors={errors}
          submitLabel="Save"
          token={token}
        />
        <p class="muted">
          {sub.forYou ? 'This digest has a “For you” section' : 'A “For you” section, picked from the papers you save and upvote, can be added'} in the{' '}
          <a href="/settings#digest">settings of your Paperfeed account</a> at this address.
        </p>
        <p>
          <a href={`/digest/preview?token=${encodeURIComponent(token)}`}>Preview your next digest</a> ·{' '}
          <a href={links.unsubscribe(sub.id, sub.linkKey)}>Unsubscribe</a>
        </p>
      </section>,
      status,
    );
  };

  const managePageFromLink = async (c: Context) => {
    const token = queryText(c, 'token');
    const sub = await subscriptionFromToken(ctx, shared, 'manage', token);
    if (!sub) return render(c, 'Link not valid', <InvalidLinkPage />, 400);
    return managePage(c, sub, token);
  };

  const savePreferences = async (c: Context) => {
    const body = await readForm(c);
    const token = formText(body.token);
    const sub = await subscriptionFromToken(ctx, shared, 'manage', token);
    if (!sub) return render(c, 'Link not valid', <InvalidLinkPage />, 400);
    const parsed = parsePreferences(body);
    if (!parsed.ok) return managePage(c, sub, token, parsed.errors, 400);
    await updatePreferences(database, sub.id, parsed.preferences, new Date());
    return render(
      c,
      'Saved',
      <SavedPage manageUrl={`/subscription?token=${encodeURIComponent(token)}`} previewUrl={`/digest/preview?token=${encodeURIComponent(token)}`} />,
    );
  };

  const preview = async (c: Context) => {
    const { token, date: asked, format, ...chosen } = parseQuery(c, previewQuerySchema);
    let preferences: Preferences;
    let sub: Subscription | null = null;
    if (token !== undefined) {
      sub = await subscriptionFromToken(ctx, shared, 'manage', token);
      if (!sub) return render(c, 'Link not valid', <InvalidLinkPage />, 400);
      preferences = sub.preferences;
    } else {
      const parsed = parsePreferences(chosen);
      if (!parsed.ok) throw badRequest(parsed.errors.join('; '));
      preferences = parsed.preferences;
    }
    const date = await previewDate(ctx, preferences, asked);
    const period = periodForDate(preferences.frequency, date)!;
    const send = (body: string) => {
      c.header('Cache-Control', sub ? 'private, no-store' : 'public, max-age=60');
      if (format === 'text') return c.text(body);
      c.header('Content-Security-Policy', PREVIEW_CSP);
      if (sub) c.header('X-Robots-Tag', 'noindex');
      return c.html(body);
    };
    // Anonymous previews are the same for everyone who asks with the same (parsed) parameters: composing one
    // costs far more than keeping it, so each is composed once a minute at most.
    const cacheKey = sub ? null : JSON.stringify([preferences, period.frequency, period.key, format ?? 'html']);
    const cached = cacheKey && shared.previews.get(cacheKey);
    if (cached) return send(cached);
    // Composing is what costs: only previews that are composed count against the per-person limit.
    await limits.digestPreviews.enforce(c);
    const content = await shared.periodContent(period);
    await content.index.prepare(preferences.interests);
    const links = await shared.links();
    const who = sub ?? { id: '0000000000000000', email: 'you@example.org', linkKey: '', preferences };
    // The subscriber's own "For you" section, as their mail would have it; an anonymous preview has none.
    const reader = sub && (await forYouReaders(database, [sub.id])).get(sub.id);
    const forYou = reader ? await forYouPicks(ctx, reader, content.trending) : [];
    const { rendered } = composeDigest(content, { ...who, preferences }, links, config.baseUrl, messageIdHost(config.baseUrl), forYou);
    // An anonymous preview has no subscription to unsubscribe: its footer links lead to the sign-up page instead.
    const fix = (s: string) => (sub ? s : s.replace(/https?:\/\/[^"\s<>]*\/(unsubscribe|subscription)\?token=[^"\s<>]*/g, `${config.baseUrl}/subscribe`));
    const body = fix(format === 'text' ? rendered.text : rendered.html);
    if (cacheKey) shared.previews.set(cacheKey, body);
    return send(body);
  };

  return { subscribePage, subscribe, confirmPage, confirm, unsubscribePage, managePage: managePageFromLink, savePreferences, preview };
}

/**
 * POST /unsubscribe?token=…, registered before the CSRF middleware: a mail provider's one-click unsubscribe
 * (RFC 8058) posts `List-Unsubscribe=One-Click` from its own servers with no cookie and no CSRF token. The
 * signed token is the authentication; the button on the GET page posts to the same URL.
 */
export function unsubscribeHandler(ctx: Services, shared: DigestShared): Handler {
  // This route runs before the CSRF middleware and its body cap, so it caps its own body: a one-click POST is 26 bytes.
  const limit = bodyLimit({ maxSize: 4096, onError: (c) => c.text('request body too large', 413) });
  return async (c) => {
    let response: Response | undefined;
    const refused = await limit(c, async () => {
      try {
        response = await unsubscribe(c);
      } catch (e) {
        // A body without Content-Length fails while it is read, past the cap.
        if ((e as Error).name !== 'BodyLimitError') throw e;
      }
    });
    return refused ?? response ?? c.text('request body too large', 413);
  };

  async function unsubscribe(c: Context): Promise<Response> {
    const sub = await subscriptionFromToken(ctx, shared, 'unsubscribe', queryText(c, 'token'));
    const oneClick =
      (c.req.header('content-type') ?? '').includes('application/x-www-form-urlencoded') && formText((await readForm(c))['List-Unsubscribe']) === 'One-Click';
    c.header('Cache-Control', 'no-store');
    if (!sub) {
      if (oneClick) return c.text('unknown or invalid unsubscribe link', 400);
      throw new AppError(400, 'invalid_link', 'This unsubscribe link is not valid.');
    }
    await unsubscribeSubscription(ctx.database, sub.id, new Date());
    ctx.logger.info({ subscription: sub.id, oneClick }, 'digest unsubscribed');
    if (oneClick) return c.text('unsubscribed');
    return c.html(
      htmlDocument(
        <Layout title="Unsubscribed" canonical={`${ctx.config.baseUrl}/unsubscribe`} noindex>
          <UnsubscribedPage email={sub.email} />
        </Layout>,
      ),
    );
  }
}

/** The digest date a preview shows: the one asked for, else the latest one with papers. */
async function previewDate(ctx: Services, preferences: Preferences, asked: Period | undefined): Promise<string> {
  if (asked) {
    let d = asked.key;
    while (!periodForDate(preferences.frequency, d)) d = addDays(d, 1);
    return d;
  }
  const today = dayOf(ctx.clock());
  const latest = (await latestDayWithPapers(ctx.database, today)) ?? today;
  // The digest sent the day after the latest papers covers them (Monday's covers the weekend).
  let d = addDays(latest, 1);
  while (!periodForDate(preferences.frequency, d)) d = addDays(d, 1);
  return d;
}
