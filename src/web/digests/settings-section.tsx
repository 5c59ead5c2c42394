// The email digest section of the account settings page: the person's subscription, or an offer to subscribe.
import type { Context } from 'hono';
import { getSubscriptionByEmail } from '../../db/subscriptions.ts';
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
    <section class="digest-settings">
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
    </section>
  );
}
