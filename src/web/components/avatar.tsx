// Pictures of people, authors and organisations. Pages always show the avatar drawn here (src/domain/avatar.ts,
// served at /avatars/{text}.svg): imported avatar URLs stay in the API as given, but pages never load images from
// other sites, so a visitor's browser tells no third party what it reads (the CSP's img-src is 'self' data:).

/** The path of the drawn avatar for a name, user name or organisation. */
export function avatarPath(text: string): string {
  return `/avatars/${encodeURIComponent(text.slice(0, 200) || '?')}.svg`;
}

/** A decorative avatar: the name beside it says who it is, so the image itself is silent to screen readers. */
export function Avatar(props: { text: string; size?: number; class?: string }) {
  const size = props.size ?? 24;
  return <img class={`avatar ${props.class ?? ''}`.trim()} src={avatarPath(props.text)} alt="" width={size} height={size} loading="lazy" decoding="async" />;
}
