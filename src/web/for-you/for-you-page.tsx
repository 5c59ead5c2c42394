// "For you": papers of the last weeks ranked by the person's own model, each with the paper of theirs that
// explains it ("because you saved X").
import type { ListedPaper } from '../../db/listings.ts';
import { BECAUSE_VERB, type PositiveReason } from '../../domain/because.ts';
import { HomeTabs } from '../components/home-tabs.tsx';
import { Layout } from '../components/layout.tsx';
import { shortenText, texToUnicodeLine } from '../../domain/tex.ts';
import { PaperCard, paperPath } from '../components/paper-card.tsx';

export interface Because {
  paperId: string;
  title: string;
  reason: PositiveReason;
}

export function ForYouPage(props: {
  canonical: string;
  account: { username: string };
  items: { paper: ListedPaper; because: Because | null }[];
  positives: number;
  sinceDay: string;
}) {
  return (
    <Layout title="For you" canonical={props.canonical} current="daily" account={props.account} noindex>
      <h1>For you</h1>
      <HomeTabs current="for-you" />
      <p class="muted">
        Papers since {props.sinceDay} ranked by a model of your own, learned from the {props.positives} paper{props.positives === 1 ? '' : 's'} you saved,
        upvoted or claimed. It changes as you save and upvote.
      </p>
      {props.positives === 0 ? (
        <p>
          Nothing to learn from yet: save or upvote a few papers from the <a href="/">daily list</a> or <a href="/papers/trending">trending</a>, and your list
          appears here.
        </p>
      ) : props.items.length === 0 ? (
        <p>No recommendations yet: the search index may still be building, or your papers are not in it. Try again in a minute.</p>
      ) : (
        <>
          <h2 class="visually-hidden">Recommended papers</h2>
          <ol class="papers">
            {props.items.map(({ paper, because }) => (
              <PaperCard
                item={paper}
                because={
                  because && (
                    <p class="because">
                      Because you {BECAUSE_VERB[because.reason]} <a href={paperPath(because.paperId)}>{shortenText(texToUnicodeLine(because.title), 90)}</a>
                    </p>
                  )
                }
              />
            ))}
          </ol>
        </>
      )}
    </Layout>
  );
}
