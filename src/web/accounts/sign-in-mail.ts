// The mail that carries a sign-in link. The link opens a confirmation page rather than signing in on GET:
// mail scanners that prefetch links then cannot use the single-use token up, and GET changes nothing.
import { signInLinkUrl } from '../../domain/accounts.ts';
import type { MailTransport } from '../../mail/transport.ts';

export async function sendSignInMail(transport: MailTransport, baseUrl: string, to: string, token: string, signUp: boolean): Promise<void> {
  const url = signInLinkUrl(baseUrl, token);
  const action = signUp ? 'finish creating your Paperfeed account' : 'sign in to Paperfeed';
  await transport.send({
    to,
    subject: signUp ? 'Finish signing up to Paperfeed' : 'Sign in to Paperfeed',
    text: [
      `Open this link to ${action}:`,
      '',
      url,
      '',
      'The link works once and expires in 15 minutes.',
      'If you did not ask for it, ignore this mail: nothing happens without the link.',
    ].join('\n'),
  });
}
