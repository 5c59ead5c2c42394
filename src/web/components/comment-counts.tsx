// A paper's comment counts, shown apart: the comments written here (their thread is on the paper page) and the
// ones Hugging Face counted, whose text stays on Hugging Face. Summed, one number would promise a thread that is
// not here ("1 comment" above "Discussion (0)"). The API keeps the sum in `numComments`, as Hugging Face's does.
import type { DailySignals } from '../../db/listings.ts';
import { huggingFaceDiscussionUrl } from '../../domain/arxiv-id.ts';

export function CommentCounts(props: { paperId: string; signals: Pick<DailySignals, 'communityComments' | 'sourceComments'>; discussionHref?: string }) {
  const here = props.signals.communityComments;
  const label = `${here} comment${here === 1 ? '' : 's'}`;
  return (
    <>
      {props.discussionHref ? <a href={props.discussionHref}>{label}</a> : label}
      {props.signals.sourceComments > 0 && (
        <>
          {' · '}
          <a href={huggingFaceDiscussionUrl(props.paperId)} rel="noopener">
            {props.signals.sourceComments} on Hugging Face
          </a>
        </>
      )}
    </>
  );
}
