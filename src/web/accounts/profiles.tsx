// A person's public profile: their submissions and comments.
import type { Context } from 'hono';
import { listUserComments } from '../../db/comments.ts';
import { listUserSubmissions } from '../../db/submissions.ts';
import { findUserByUsername } from '../../db/users.ts';
import { notFound } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { privatePage } from '../http/responses.tsx';
import { ProfilePage } from './profile-page.tsx';

export function profileHandler(ctx: Services) {
  return async (c: Context) => {
    const user = await findUserByUsername(ctx.database, c.req.param('username'));
    if (!user) throw notFound('no such person');
    const [submissions, comments] = await Promise.all([listUserSubmissions(ctx.database, user.id), listUserComments(ctx.database, user.id)]);
    return privatePage(c, ctx.config.baseUrl, user.username, <ProfilePage user={user} submissions={submissions} comments={comments} />);
  };
}
