// The people of a paper on its page: each author linked to their author page, with who claimed the entry — an
// account here (approved by a moderator) or a Hugging Face account (as imported) — the publishing organisation,
// the submitter's full name beside their handle, and the media Hugging Face lists for the paper.
import type { PaperPeople } from '../../db/people.ts';
import { isConfirmedHfStatus, HF_PENDING_STATUS, matchAuthorEntries, type AuthorEntryView, type HfUserRef } from '../../domain/people.ts';
import { Avatar } from '../components/avatar.tsx';
import { AuthorLink, hfProfileUrl, orgPath, profilePath } from '../components/people-links.tsx';

/** Authors shown before the rest fold away (some papers list hundreds); <details> needs no JavaScript. */
const AUTHORS_SHOWN = 12;

function Claimed(props: { entry: AuthorEntryView }) {
  const { claim, hf } = props.entry;
  const user = hf?.user;
  return (
    <>
      {claim && (
        <a class="claimed" href={profilePath(claim.username)} title={`Claimed by ${claim.username}, verified by a moderator`}>
          <Avatar text={claim.username} size={16} /> {claim.username} ✓
        </a>
      )}
      {user && isConfirmedHfStatus(hf!.status) && (
        <a class="claimed hf" href={hfProfileUrl(user.username)} rel="noopener nofollow" title={`${user.username} on Hugging Face (${hf!.status})`}>
          {user.username} on HF
        </a>
      )}
      {user && hf!.status === HF_PENDING_STATUS && (
        <a
          class="claimed hf unconfirmed"
          href={hfProfileUrl(user.username)}
          rel="noopener nofollow"
          title="Matched by Hugging Face automatically, not confirmed by the person"
        >
          {user.username} on HF?
        </a>
      )}
    </>
  );
}

function AuthorItem(props: { entry: AuthorEntryView }) {
  const { entry } = props;
  const linked = entry.claim || entry.hf?.user;
  return (
    <li>
      <AuthorLink name={entry.name} />
      {linked && (
        <>
          {' '}
          <Claimed entry={entry} />
        </>
      )}
    </li>
  );
}

export function PaperAuthors(props: { names: string[]; people: PaperPeople }) {
  const entries = matchAuthorEntries(props.names, props.people.hfAuthors, props.people.claims).filter((e) => !e.hf?.hidden);
  if (entries.length <= AUTHORS_SHOWN + 2) {
    return (
      <ul class="authors" aria-label="Authors">
        {entries.map((e) => (
          <AuthorItem entry={e} />
        ))}
      </ul>
    );
  }
  const rest = entries.slice(AUTHORS_SHOWN);
  return (
    <div class="authors">
      <ul aria-label="Authors">
        {entries.slice(0, AUTHORS_SHOWN).map((e) => (
          <AuthorItem entry={e} />
        ))}
      </ul>
      <details>
        <summary>and {rest.length} more</summary>
        <ul aria-label="More authors">
          {rest.map((e) => (
            <AuthorItem entry={e} />
          ))}
        </ul>
      </details>
    </div>
  );
}

export function Organization(props: { people: PaperPeople }) {
  const o = props.people.organization;
  if (!o) return null;
  return (
    <p class="org">
      <Avatar text={o.fullname} size={20} class="org-avatar" /> <a href={orgPath(o.name)}>{o.fullname}</a>
    </p>
  );
}

/** "Yu-Lun Liu (@yulunliu on Hugging Face)" or a profile here for community submissions. */
export function Submitter(props: { username: string; source: string | null; hf: HfUserRef | null }) {
  if (props.source === 'hf') {
    const fullname = props.hf?.fullname;
    return (
      <a href={hfProfileUrl(props.username)} rel="noopener nofollow">
        {fullname && fullname !== props.username ? (
          <>
            {fullname} <span class="handle">@{props.username}</span>
          </>
        ) : (
          <>@{props.username}</>
        )}
      </a>
    );
  }
  return <a href={profilePath(props.username)}>{props.username}</a>;
}

function mediaLabel(url: URL, i: number): string {
  const ext = /\.([a-z0-9]{2,5})$/i.exec(url.pathname)?.[1]?.toLowerCase() ?? '';
  const kind = ['mp4', 'webm', 'mov', 'm4v'].includes(ext) ? 'Video' : ['png', 'jpg', 'jpeg', 'gif', 'webp', 'svg', 'avif'].includes(ext) ? 'Image' : 'File';
  return `${kind} ${i + 1}${ext ? ` (${ext})` : ''}`;
}

/** The paper's media as links: pages load nothing from other sites (see components/avatar.tsx). */
export function Media(props: { urls: string[] }) {
  const urls = props.urls.filter((u) => URL.canParse(u)).map((u) => new URL(u));
  if (!urls.length) return null;
  return (
    <section aria-labelledby="media">
      <h2 id="media">Media</h2>
      <ul class="media">
        {urls.map((u, i) => (
          <li>
            <a href={u.href} rel="noopener nofollow">
              {mediaLabel(u, i)}
            </a>{' '}
            <span class="muted">{u.host}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
