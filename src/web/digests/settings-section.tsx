// The email digest section of the account settings page: the person's subscription, or an offer to subscribe, and
// the switch for the digest's "For you" section.
import type { Context } from 'hono';
import { getSubscriptionByEmail, type Subscription } from '../../db/subscriptions.ts';
import { FOR_YOU_PAPERS } from '../../mail/for-you.ts';
import { DEFAULT_PREFERENCES } from '../../mail/preferences.ts';
import type { Services } from '../../services.ts';
import { csrfField } from '../security/csrf.ts';
import { SubscriptionForm } from './subscription-form.tsx';

/** The digest section of a signed-in person's settings page. */
export async function DigestSettingsSection(props: { c: Context; ctx: Services; email: string | null }) {
  const { c, ctx, email } = props;
  const sub = email ? await getSubscriptionByEmail(ctx.database, email) : null;
  const active = sub?.status === 'active';
  return (
    <section class="digest-settings" id="digest">
      <h2>Email digest</h2>
      <p>
        {active
          ? `Digests go to ${sub!.email} ${sub!.preferences.frequency === 'daily' ? 'every weekday' : 'every Monday'}. Changes are confirmed by mail.`
          : 'Get the trending papers and the best new papers on your topics by mail. You confirm by mail first.'}
      </p>
      <SubscriptionForm
        action="/subscribe"
        csrf={csrfField(c)}
        email={email ?? ''}
        emailEditable={!email}
        preferences={sub?.preferences ?? DEFAULT_PREFERENCES}
        suggestedCategories={ctx.config.ARXIV_CATEGORIES}
        submitLabel={active ? 'Update my digest' : 'Subscribe'}
      />
      {sub && sub.status !== 'unsubscribed' ? <ForYouSwitch c={c} sub={sub} /> : null}
    </section>
  );
}

/**
 * On or off, applied at once: the digest goes to this account's own address, so only its owner's recommendations
 * ever appear in it. Offered only once the address has a subscription.
 */
function ForYouSwitch(props: { c: Context; sub: Subscription }) {
  return (
    <form method="post" action="/settings/digest/for-you" class="digest-for-you">
      {csrfField(props.c)}
      <h3>“For you” in your digest</h3>
      <label>
        <input type="checkbox" name="forYou" checked={props.sub.forYou} /> Add a “For you” section to my digest: up to {FOR_YOU_PAPERS} of its papers picked for
        me, each with the paper of mine that explains it
      </label>
      <p class="muted">
        Picked by the same model as your <a href="/for-you">For you</a> tab, learned from the papers you save, upvote or claim; with none of those yet, the
        section stays out of the mail. Its papers come on top of the number chosen above.
      </p>
      <button type="submit">Save</button>
    </form>
  );
}
