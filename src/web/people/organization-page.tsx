// An organisation's page: the papers Hugging Face lists under it, newest first, and its feeds.
import type { ListedPaper } from '../../db/listings.ts';
import type { HfOrganization } from '../../domain/people.ts';
import { Avatar } from '../components/avatar.tsx';
import { Layout, type FeedLink } from '../components/layout.tsx';
import { PaperCard } from '../components/paper-card.tsx';
import { Pager } from '../components/pager.tsx';
import { hfProfileUrl } from '../components/people-links.tsx';
import { FeedLinks } from './feed-links.tsx';

export interface OrganizationPageProps {
  organization: HfOrganization;
  items: ListedPaper[];
  total: number;
  page: number;
  limit: number;
  path: string;
  canonical: string;
  feeds: FeedLink[];
  account?: { username: string } | null;
}

export function OrganizationPage(props: OrganizationPageProps) {
  const o = props.organization;
  return (
    <Layout title={o.fullname} description={`Papers from ${o.fullname} on Paperfeed.`} canonical={props.canonical} feeds={props.feeds} account={props.account}>
      <header class="person">
        <Avatar text={o.fullname} size={64} class="large org-avatar" />
        <div>
          <h1>{o.fullname}</h1>
          <p class="muted">
            {props.total} paper{props.total === 1 ? '' : 's'} ·{' '}
            <a href={hfProfileUrl(o.name)} rel="noopener nofollow">
              {o.name} on Hugging Face
            </a>
          </p>
        </div>
      </header>
      <h2>Papers, newest first</h2>
      <ol class="papers" start={props.page * props.limit + 1}>
        {props.items.map((item) => (
          <PaperCard item={item} />
        ))}
      </ol>
      <Pager path={props.path} params={{}} page={props.page} limit={props.limit} total={props.total} />
      <FeedLinks feeds={props.feeds} />
    </Layout>
  );
}
