// The mail that carries a sign-in link. The link opens a confirmation page rather than signing in on GET:
// mail scanners that prefetch links then cannot use the single-use token up, and GET changes nothing.
import { signInLinkUrl } from '../../domain/accounts.ts';

export function signInMail(baseUrl: string, token: string, signUp: boolean): { subject: string; text: string } {
  const url = signInLinkUrl(baseUrl, token);
  const action = signUp ? 'finish creating your Paperfeed account' : 'sign in to Paperfeed';
  return {
    subject: signUp ? 'Finish signing up to Paperfeed' : 'Sign in to Paperfeed',
    text: [
      `Open this link to ${action}:`,
      '',
      url,
      '',
      'The link works once and expires in 15 minutes.',
      'If you did not ask for it, ignore this mail: nothing happens without the link.',
    ].join('\n'),
  };
}
