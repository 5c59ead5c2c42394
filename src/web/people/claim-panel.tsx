// "Are you an author?" on a paper page: a signed-in person picks the author entry that is them and files a claim;
// a moderator decides it. Their own open claim shows here with a button to withdraw it. Plain POST forms with the
// CSRF token, so it works without JavaScript.
import type { Context } from 'hono';
import type { Claim } from '../../db/claims.ts';
import type { PaperPeople } from '../../db/people.ts';
import { matchAuthorEntries } from '../../domain/people.ts';
import { paperPath } from '../components/paper-card.tsx';
import { csrfField } from '../security/csrf.ts';

export interface ClaimPanelProps {
  c: Context;
  paperId: string;
  authors: string[];
  people: PaperPeople;
  own: Claim | null;
  signedIn: boolean;
}

export function ClaimPanel(props: ClaimPanelProps) {
  const back = `${paperPath(props.paperId)}#claim`;
  if (!props.signedIn) {
    return (
      <p class="claim muted" id="claim">
        An author of this paper? <a href={`/signin?next=${encodeURIComponent(back)}`}>Sign in</a> to claim it.
      </p>
    );
  }
  if (props.own) {
    const { own } = props;
    return (
      <div class="claim notice" id="claim">
        {own.status === 'approved' ? (
          <>You are listed as the author “{own.authorName}” of this paper. </>
        ) : (
          <>Your claim to be “{own.authorName}” waits for a moderator. </>
        )}
        <form method="post" action={`/claims/${own.id}/withdraw`} class="inline">
          {csrfField(props.c)}
          <input type="hidden" name="back" value={back} />
          <button type="submit" class="secondary">
            Withdraw claim
          </button>
        </form>
      </div>
    );
  }
  const entries = matchAuthorEntries(props.authors, props.people.hfAuthors, props.people.claims);
  const open = entries.filter((e) => e.key && !e.claim);
  if (!open.length) return null;
  return (
    <details class="claim" id="claim">
      <summary>Are you an author? Claim authorship</summary>
      <form method="post" action={`/papers/${props.paperId}/claims`}>
        {csrfField(props.c)}
        <label for="claim-position">Which author are you?</label>{' '}
        <select id="claim-position" name="position" required>
          {open.map((e) => (
            <option value={String(e.position)}>{e.name}</option>
          ))}
        </select>{' '}
        <button type="submit">Claim</button>
        <p class="muted">A moderator checks each claim before the paper shows on your profile.</p>
      </form>
    </details>
  );
}
