// The full digest form: address, frequency, topics, size, time zone and hour. Used by /subscribe, by the signed
// manage page and by account settings. Server-rendered, no script needed; validation happens on the server.
import type { Child } from 'hono/jsx';
import { DEFAULT_PREFERENCES, LIMITS, type Preferences } from '../../mail/preferences.ts';

const TIME_ZONES: string[] = (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');

export interface SubscriptionFormProps {
  action: string;
  /** The CSRF field (csrfField(c)); forms without one are refused by the server. */
  csrf: Child;
  /** Shown as an editable field when subscribing; as text when managing an existing subscription. */
  email: string;
  emailEditable: boolean;
  preferences?: Preferences;
  /** Categories offered as checkboxes (the configured harvest categories); others can be typed. */
  suggestedCategories: string[];
  errors?: string[];
  submitLabel: string;
  /** A signed token carried along (manage page). */
  token?: string;
}

export function SubscriptionForm(props: SubscriptionFormProps) {
  const p = props.preferences ?? DEFAULT_PREFERENCES;
  const extraCategories = p.categories.filter((c) => !props.suggestedCategories.includes(c));
  return (
    <form class="digest-form" method="post" action={props.action}>
      {props.csrf}
      {props.token && <input type="hidden" name="token" value={props.token} />}
      {props.errors?.length ? (
        <div class="form-error" role="alert">
          <p>Please correct this:</p>
          <ul>
            {props.errors.map((e) => (
              <li>{e}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <p>
        {props.emailEditable ? (
          <>
            <label for="digest-email">Email address</label>
            <br />
            <input id="digest-email" name="email" type="email" required autocomplete="email" value={props.email} maxlength={254} />
          </>
        ) : (
          <>
            <input type="hidden" name="email" value={props.email} />
            Digests for <strong>{props.email}</strong>
          </>
        )}
      </p>
      <fieldset>
        <legend>How often</legend>
        <label>
          <input type="radio" name="frequency" value="daily" checked={p.frequency === 'daily'} /> Daily, on weekdays
        </label>{' '}
        <label>
          <input type="radio" name="frequency" value="weekly" checked={p.frequency === 'weekly'} /> Weekly, on Mondays
        </label>
      </fieldset>
      <fieldset>
        <legend>Topics (optional: without topics you get the trending papers)</legend>
        <p>
          {props.suggestedCategories.map((c) => (
            <label>
              <input type="checkbox" name="categories" value={c} checked={p.categories.includes(c)} /> {c}{' '}
            </label>
          ))}
        </p>
        <p>
          <label for="digest-more-categories">Other arXiv categories (comma-separated, such as math.PR, q-bio.NC)</label>
          <br />
          <input id="digest-more-categories" name="categories" type="text" value={extraCategories.join(', ')} maxlength={300} />
        </p>
        <p>
          <label for="digest-interests">Interests, one per line (such as "diffusion models"; at most {LIMITS.interests})</label>
          <br />
          <textarea id="digest-interests" name="interests" rows={4} cols={40} maxlength={800}>
            {p.interests.join('\n')}
          </textarea>
        </p>
      </fieldset>
      <fieldset>
        <legend>Size and time</legend>
        <p>
          <label for="digest-count">Papers per digest</label>{' '}
          <input id="digest-count" name="paperCount" type="number" min={LIMITS.minPapers} max={LIMITS.maxPapers} value={String(p.paperCount)} />
        </p>
        <p>
          <label for="digest-tz">Time zone</label>{' '}
          <input id="digest-tz" name="timeZone" type="text" list="digest-time-zones" value={p.timeZone} maxlength={64} />
          <datalist id="digest-time-zones">
            {TIME_ZONES.map((tz) => (
              <option value={tz} />
            ))}
          </datalist>{' '}
          <label for="digest-hour">from</label>{' '}
          <select id="digest-hour" name="sendHour">
            {Array.from({ length: 24 }, (_, h) => (
              <option value={String(h)} selected={h === p.sendHour}>
                {String(h).padStart(2, '0')}:00
              </option>
            ))}
          </select>
        </p>
      </fieldset>
      <p>
        <button type="submit">{props.submitLabel}</button>
      </p>
    </form>
  );
}
