// The compact "Get trending papers in your email inbox!" box every page shows under the header (H6's digests).
// It is a GET form: pages carrying it are cached and shared between anonymous visitors, so it must hold no
// per-visitor token; /subscribe receives the address and shows the full form with its CSRF field.
export function SubscribeSlot() {
  return (
    <form class="subscribe" method="get" action="/subscribe">
      <label for="subscribe-email">Get trending papers in your email inbox!</label>{' '}
      <input id="subscribe-email" name="email" type="email" autocomplete="email" placeholder="you@example.org" /> <button type="submit">Subscribe</button>
    </form>
  );
}
