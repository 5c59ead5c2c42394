// The header's account links in a page template (page-template.ts): one variant per account name and role.
import { AccountLinks, type NavKey } from './layout.tsx';
import type { TemplateBuilder } from './page-template.ts';

export function accountLinksHole(template: TemplateBuilder, current: NavKey) {
  return template.hole(
    (viewer) => (viewer.account ? `${viewer.account.moderator ? 'm' : 'u'}:${viewer.account.username}` : ''),
    (key) => String(<AccountLinks account={key ? { username: key.slice(2), moderator: key[0] === 'm' } : null} current={current} />),
  );
}
