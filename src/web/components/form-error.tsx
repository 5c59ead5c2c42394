// The message above a form that could not be accepted as sent.
export function FormError(props: { message?: string | null }) {
  return props.message ? (
    <p class="form-error" role="alert">
      {props.message}
    </p>
  ) : null;
}
