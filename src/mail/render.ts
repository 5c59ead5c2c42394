// The mails themselves: a digest and a sign-up confirmation, each as HTML and plain text. HTML mail clients
// ignore <style> blocks unevenly, so every style is inline; the one <style> block only adds dark-mode colours
// for clients that honour prefers-color-scheme (Apple Mail, Outlook on macOS, many phones). Clients that
// invert colours themselves (Gmail, Outlook.com) get a light design with no fixed white text to invert badly.
// Layout is tables, 640 px wide at most. Titles and abstracts are read from their TeX as the site reads them
// (src/domain/tex.ts; mail clients cannot typeset math, so it is spelled in Unicode), and all text from papers and
// subscribers is escaped: abstracts carry `<` and `&`.
import { BECAUSE_VERB } from '../domain/because.ts';
import { shortenText, texToUnicodeLine } from '../domain/tex.ts';
import type { DigestPaper } from './digest-content.ts';
import type { Because } from './for-you.ts';
import type { Preferences } from './preferences.ts';
import type { DigestPeriod } from './schedule.ts';
import type { DigestSection } from './select.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const NEEDS_ESCAPE = /[&<>"']/;
export function escapeHtml(s: string): string {
  return NEEDS_ESCAPE.test(s) ? s.replace(/[&<>"']/g, (c) => ESCAPES[c]) : s;
}

/** The start of an abstract as plain text, cut at a word boundary. */
export function shortAbstract(abstract: string, max = 320): string {
  return shortenText(texToUnicodeLine(abstract), max);
}

function authorLine(authors: string[]): string {
  if (authors.length <= 4) return authors.join(', ');
  return `${authors.slice(0, 3).join(', ')} and ${authors.length - 3} more`;
}

const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const C = { page: '#f3f4f6', card: '#ffffff', text: '#1f2328', muted: '#57606a', border: '#d8dee4', link: '#0b57d0', accent: '#b35900' };

const DARK_MODE_CSS = `:root{color-scheme:light dark;supported-color-schemes:light dark}
@media (prefers-color-scheme: dark){
.pf-page{background:#0d1117 !important;color:#e6edf3 !important}
.pf-card{background:#161b22 !important;border-color:#30363d !important;color:#e6edf3 !important}
.pf-muted{color:#9da7b3 !important}
.pf-link{color:#7cb4ff !important}
.pf-accent{color:#f0a35e !important}
}`;

function page(title: string, preheader: string, inner: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><meta name="supported-color-schemes" content="light dark">
<title>${escapeHtml(title)}</title><style>${DARK_MODE_CSS}</style></head>
<body class="pf-page" style="margin:0;padding:0;background:${C.page};color:${C.text};font-family:${FONT};">
<div style="display:none;max-height:0;overflow:hidden;mso-hide:all">${escapeHtml(preheader)}</div>
<table role="presentation" class="pf-page" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:${C.page};">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:640px;">
${inner}
</table></td></tr></table></body></html>`;
}

// A period's papers appear in thousands of digests: each paper's HTML and text blocks are built once per link
// and reused, which makes composing a digest mostly concatenation. `content` is the card's inside, for cards that
// add a line of their own ("For you").
interface PaperBlock {
  url: string;
  content: string;
  html: string;
  text: string;
}
const paperBlocks = new WeakMap<DigestPaper, PaperBlock>();

function paperBlock(p: DigestPaper, paperUrl: string): PaperBlock {
  const cached = paperBlocks.get(p);
  if (cached && cached.url === paperUrl) return cached;
  const content = cardContent(p, paperUrl);
  const block = { url: paperUrl, content, html: card(content), text: paperText(p, paperUrl) };
  paperBlocks.set(p, block);
  return block;
}

function paperText(p: DigestPaper, paperUrl: string): string {
  const stats = [`${p.upvotes} upvotes`, p.stars !== null ? `${p.stars} stars` : null, p.categories.slice(0, 3).join(', ')].filter(Boolean).join(' | ');
  return `${texToUnicodeLine(p.title)}\n   ${authorLine(p.authors)}\n   ${stats}\n   ${shortAbstract(p.abstract)}\n   ${paperUrl}`;
}

function cardContent(p: DigestPaper, paperUrl: string): string {
  const stats = [
    `▲ ${p.upvotes} upvote${p.upvotes === 1 ? '' : 's'}`,
    p.stars !== null ? `★ ${p.stars.toLocaleString('en-US')} star${p.stars === 1 ? '' : 's'}` : null,
    p.categories.slice(0, 3).join(' · '),
  ].filter(Boolean);
  return `<a class="pf-link" href="${escapeHtml(paperUrl)}" style="color:${C.link};font-size:17px;line-height:1.35;font-weight:600;text-decoration:none;">${escapeHtml(texToUnicodeLine(p.title))}</a>
<div class="pf-muted" style="color:${C.muted};font-size:13px;line-height:1.4;margin-top:4px;">${escapeHtml(authorLine(p.authors))}</div>
<div style="font-size:14px;line-height:1.5;margin-top:8px;">${escapeHtml(shortAbstract(p.abstract))}</div>
<div class="pf-accent" style="color:${C.accent};font-size:13px;margin-top:8px;">${escapeHtml(stats.join('   '))}</div>`;
}

function card(content: string): string {
  return `<tr><td class="pf-card" style="background:${C.card};border:1px solid ${C.border};border-radius:8px;padding:16px;">
${content}
</td></tr><tr><td style="height:12px;line-height:12px;font-size:0;">&nbsp;</td></tr>`;
}

// "For you" papers carry the reader's own reason: the shared block plus one line built per digest.
function becauseHtml(because: Because, url: string): string {
  return `
<div class="pf-muted" style="color:${C.muted};font-size:13px;margin-top:8px;">Because you ${escapeHtml(BECAUSE_VERB[because.reason])} <a class="pf-link" href="${escapeHtml(url)}" style="color:${C.link};">${escapeHtml(shortenText(texToUnicodeLine(because.title), 90))}</a></div>`;
}

function becauseText(because: Because, url: string): string {
  return `\n   Because you ${BECAUSE_VERB[because.reason]} “${shortenText(texToUnicodeLine(because.title), 90)}”: ${url}`;
}

/** A section's paper as HTML and text: the shared block, or for "For you" one with the reader's reason. */
function sectionPaper(s: DigestSection, p: DigestPaper, links: DigestLinks): { html: string; text: string } {
  const url = links.paper(p.id);
  const because = s.because?.get(p.id);
  const block = paperBlock(p, url);
  if (!because) return block;
  const becauseUrl = links.paper(because.paperId);
  return { html: card(block.content + becauseHtml(because, becauseUrl)), text: block.text + becauseText(because, becauseUrl) };
}

export interface DigestLinks {
  paper(id: string): string;
  unsubscribe: string;
  manage: string;
  site: string;
}

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

function sectionHeading(s: DigestSection): string {
  if (s.kind === 'for-you') return 'For you';
  if (s.kind === 'trending') return 'Trending';
  return s.kind === 'category' ? `In ${s.title}` : `About “${s.title}”`;
}

/** What the "For you" section says about itself: whose papers it learned from, and where to turn it off. */
const FOR_YOU_INTRO = 'Picked from these papers by a model of your own, learned from the papers you saved, upvoted or claimed on Paperfeed.';
const forYouSettings = (links: DigestLinks) => `${links.site}settings#digest`;

function sectionIntroHtml(s: DigestSection, links: DigestLinks): string {
  if (s.kind !== 'for-you') return '';
  return `<tr><td class="pf-muted" style="color:${C.muted};padding:0 4px 12px 4px;font-size:13px;">${escapeHtml(FOR_YOU_INTRO)} <a class="pf-link" href="${escapeHtml(forYouSettings(links))}" style="color:${C.link};">Turn this section off</a></td></tr>\n`;
}

function sectionIntroText(s: DigestSection, links: DigestLinks): string {
  return s.kind === 'for-you' ? `${FOR_YOU_INTRO}\nTurn this section off: ${forYouSettings(links)}\n\n` : '';
}

/** What an empty topic section says instead of papers. */
function noMatch(s: DigestSection): string {
  return s.kind === 'category' ? `No paper in ${s.title} this time.` : `No paper this time matched “${s.title}”.`;
}

/** The digest subject names the period and the subscriber's first topics, so inboxes group and tell digests apart. */
export function digestSubject(period: DigestPeriod, preferences: Preferences): string {
  const topics = [...preferences.interests, ...preferences.categories].slice(0, 2);
  const what = period.frequency === 'daily' ? 'Daily' : 'Weekly';
  return `${what} papers${topics.length ? ` on ${topics.join(', ')}` : ''}: ${period.label}`;
}

export function renderDigest(period: DigestPeriod, preferences: Preferences, sections: DigestSection[], links: DigestLinks): RenderedMail {
  const subject = digestSubject(period, preferences);
  const total = sections.reduce((n, s) => n + s.papers.length, 0);
  const first = sections.find((s) => s.papers.length)?.papers[0];
  const preheader = first ? `${texToUnicodeLine(first.title)} and ${total - 1} more papers` : 'No new papers this time';
  const cadence = period.frequency === 'daily' ? 'every weekday' : 'every Monday';
  const html = page(
    subject,
    preheader,
    `<tr><td style="padding:0 4px 16px 4px;">
<div class="pf-muted" style="color:${C.muted};font-size:13px;">Paperfeed · ${escapeHtml(period.label)}</div>
<h1 style="font-size:22px;line-height:1.3;margin:4px 0 0 0;">${escapeHtml(period.frequency === 'daily' ? 'Your daily papers' : 'Your weekly papers')}</h1>
</td></tr>
${sections
  .map(
    (s) => `<tr><td style="padding:8px 4px 8px 4px;"><h2 style="font-size:16px;margin:0;">${escapeHtml(sectionHeading(s))}</h2></td></tr>
${sectionIntroHtml(s, links)}${s.papers.length ? s.papers.map((p) => sectionPaper(s, p, links).html).join('\n') : `<tr><td class="pf-muted" style="color:${C.muted};padding:0 4px 12px 4px;font-size:14px;">${escapeHtml(noMatch(s))}</td></tr>`}`,
  )
  .join('\n')}
${total === 0 ? `<tr><td style="padding:8px 4px;font-size:14px;">No papers appeared in this period.</td></tr>` : ''}
<tr><td class="pf-muted" style="color:${C.muted};font-size:12px;line-height:1.5;padding:16px 4px;">
You get this ${cadence} because you subscribed to Paperfeed digests.
<a class="pf-link" href="${escapeHtml(links.manage)}" style="color:${C.link};">Change topics or schedule</a> ·
<a class="pf-link" href="${escapeHtml(links.unsubscribe)}" style="color:${C.link};">Unsubscribe</a> ·
<a class="pf-link" href="${escapeHtml(links.site)}" style="color:${C.link};">Paperfeed</a>
</td></tr>`,
  );
  const textSections = sections.map((s) => {
    const heading = sectionHeading(s);
    const papers = s.papers.length ? s.papers.map((p, i) => `${i + 1}. ${sectionPaper(s, p, links).text}`) : [noMatch(s)];
    return `${heading}\n${'='.repeat(heading.length)}\n\n${sectionIntroText(s, links)}${papers.join('\n\n')}`;
  });
  const text = [
    `${period.frequency === 'daily' ? 'Your daily papers' : 'Your weekly papers'} — ${period.label}`,
    '',
    [...textSections, ...(total ? [] : ['No papers appeared in this period.'])].join('\n\n\n'),
    '',
    '--',
    `You get this ${cadence} because you subscribed to Paperfeed digests.`,
    `Change topics or schedule: ${links.manage}`,
    `Unsubscribe: ${links.unsubscribe}`,
    '',
  ].join('\n');
  return { subject, html, text };
}

function describePreferences(p: Preferences): string[] {
  return [
    `Frequency: ${p.frequency === 'daily' ? 'daily, on weekdays' : 'weekly, on Mondays'} from ${String(p.sendHour).padStart(2, '0')}:00 (${p.timeZone})`,
    `Papers per digest: ${p.paperCount}`,
    `Categories: ${p.categories.length ? p.categories.join(', ') : 'none'}`,
    `Interests: ${p.interests.length ? p.interests.join('; ') : 'none'}`,
  ];
}

export function renderConfirmation(kind: 'subscribe' | 'change', preferences: Preferences, confirmUrl: string, validHours: number): RenderedMail {
  const subject = kind === 'subscribe' ? 'Confirm your Paperfeed digest subscription' : 'Confirm the changes to your Paperfeed digest';
  const ask =
    kind === 'subscribe'
      ? 'Someone — hopefully you — asked for Paperfeed paper digests at this address. Nothing is sent until you confirm.'
      : 'Someone — hopefully you — asked to change the Paperfeed digest this address receives. Nothing changes until you confirm.';
  const ignore = `The link works once and for ${validHours} hours. If you did not ask for this, ignore this mail: ${
    kind === 'subscribe' ? 'you will not hear from us again' : 'your digest stays as it is'
  }.`;
  const details = describePreferences(preferences);
  const html = page(
    subject,
    ask,
    `<tr><td class="pf-card" style="background:${C.card};border:1px solid ${C.border};border-radius:8px;padding:20px;font-size:15px;line-height:1.5;">
<h1 style="font-size:20px;margin:0 0 12px 0;">${escapeHtml(subject)}</h1>
<p style="margin:0 0 12px 0;">${escapeHtml(ask)}</p>
<ul style="margin:0 0 16px 0;padding-left:20px;">${details.map((d) => `<li>${escapeHtml(d)}</li>`).join('')}</ul>
<p style="margin:0 0 16px 0;"><a class="pf-link" href="${escapeHtml(confirmUrl)}" style="display:inline-block;background:${C.link};color:#ffffff;padding:10px 18px;border-radius:6px;text-decoration:none;font-weight:600;">Confirm</a></p>
<p class="pf-muted" style="color:${C.muted};font-size:13px;margin:0;">Or open this address: <a class="pf-link" href="${escapeHtml(confirmUrl)}" style="color:${C.link};word-break:break-all;">${escapeHtml(confirmUrl)}</a></p>
<p class="pf-muted" style="color:${C.muted};font-size:13px;margin:12px 0 0 0;">${escapeHtml(ignore)}</p>
</td></tr>`,
  );
  const text = [subject, '', ask, '', ...details.map((d) => `  ${d}`), '', `Confirm: ${confirmUrl}`, '', ignore, ''].join('\n');
  return { subject, html, text };
}
