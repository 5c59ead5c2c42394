// A person's public profile: the papers they claimed (approved by a moderator), their submissions, their upvotes
// (only when they chose to show them, or to themselves), their public collections and their comments.
import type { Context } from 'hono';
import { listUserClaims } from '../../db/claims.ts';
import { listCollections } from '../../db/collections.ts';
import { listUserComments } from '../../db/comments.ts';
import { listedPapersByIds } from '../../db/listings.ts';
import { listUserSubmissions } from '../../db/submissions.ts';
import { findUserByUsername } from '../../db/users.ts';
import { listUserUpvotes } from '../../db/votes.ts';
import { notFound } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { privatePage } from '../http/responses.tsx';
import { currentUser } from '../security/auth.ts';
import { ProfilePage } from './profile-page.tsx';

export function profileHandler(ctx: Services) {
  const { database } = ctx;
  return async (c: Context) => {
    const user = await findUserByUsername(database, c.req.param('username') ?? '');
    if (!user) throw notFound('no such person');
    const isOwner = currentUser(c)?.id === user.id;
    const [submissions, comments, approved, pending, upvotes, collections] = await Promise.all([
      listUserSubmissions(database, user.id),
      listUserComments(database, user.id),
      user.bannedAt ? Promise.resolve([]) : listUserClaims(database, user.id, ['approved']),
      isOwner ? listUserClaims(database, user.id, ['pending']) : Promise.resolve([]),
      user.showUpvotes || isOwner ? listUserUpvotes(database, user.id) : Promise.resolve(null),
      listCollections(database, { ownerId: user.id, viewerId: currentUser(c)?.id ?? null, sort: 'lastModified', limit: 200 }),
    ]);
    // Newest paper first, as on author pages.
    const claimedPapers = (
      await listedPapersByIds(
        database,
        approved.map((cl) => cl.paperId),
      )
    ).sort((a, b) => (b.paper.submittedAt ?? b.paper.announcedOn ?? '').localeCompare(a.paper.submittedAt ?? a.paper.announcedOn ?? ''));
    return privatePage(
      c,
      ctx.config.baseUrl,
      user.username,
      <ProfilePage
        c={c}
        user={user}
        isOwner={isOwner}
        claimedPapers={claimedPapers}
        pendingClaims={pending}
        submissions={submissions}
        upvotes={upvotes}
        comments={comments}
        collections={collections}
      />,
    );
  };
}
