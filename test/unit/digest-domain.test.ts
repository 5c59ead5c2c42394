// The pure parts of digests: periods and due times across time zones, preference validation, rendering (escaping,
// both parts) and signed links. Topic matching and selection go through the search service: digest-topics.test.ts.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { DigestPaper } from '../../src/mail/digest-content.ts';
import { LinkSigner, mailLinks } from '../../src/mail/links.ts';
import { DEFAULT_PREFERENCES, parsePreferences, type Preferences } from '../../src/mail/preferences.ts';
import { escapeHtml, renderConfirmation, renderDigest, shortAbstract } from '../../src/mail/render.ts';
import { duePeriod, localTime, periodForDate, periodFromKey } from '../../src/mail/schedule.ts';
import { selectDigest } from '../../src/mail/select.ts';
import { TopicIndex } from '../../src/mail/topics.ts';

const prefs = (p: Partial<Preferences> = {}): Preferences => ({ ...DEFAULT_PREFERENCES, ...p });

function paper(id: string, title: string, abstract = '', categories: string[] = ['cs.LG']): DigestPaper {
  return { id, title, abstract, authors: ['A. Author'], categories, upvotes: 1, comments: 0, stars: null, codeUrl: null, score: 1, firstSeen: '2025-06-03' };
}

describe('digest periods', () => {
  it('daily digests go out on weekdays; Monday covers the weekend', () => {
    expect(periodForDate('daily', '2025-06-04')).toMatchObject({ key: '2025-06-04', start: '2025-06-03', end: '2025-06-03' });
    expect(periodForDate('daily', '2025-06-02')).toMatchObject({ key: '2025-06-02', start: '2025-05-30', end: '2025-06-01' });
    expect(periodForDate('daily', '2025-06-07')).toBeNull();
    expect(periodForDate('daily', '2025-06-08')).toBeNull();
  });
  it('weekly digests are keyed by ISO week and cover the week before, across a year boundary too', () => {
    expect(periodForDate('weekly', '2025-06-04')).toMatchObject({ key: '2025-W23', start: '2025-05-26', end: '2025-06-01' });
    expect(periodForDate('weekly', '2026-01-01')).toMatchObject({ key: '2026-W01', start: '2025-12-22', end: '2025-12-28' });
    expect(periodFromKey('weekly', '2026-W01')).toEqual(periodForDate('weekly', '2025-12-29'));
  });
  it('every day of a week maps to the same weekly key, and daily keys round-trip', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), (offset) => {
        const day = new Date(Date.UTC(2020, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);
        const weekly = periodForDate('weekly', day)!;
        expect(periodFromKey('weekly', weekly.key).key).toBe(weekly.key);
        const daily = periodForDate('daily', day);
        if (daily) expect(periodFromKey('daily', daily.key)).toEqual(daily);
      }),
    );
  });
  it('is due from the chosen local hour in the subscriber time zone', () => {
    // 2025-06-04 05:30 UTC is 07:30 in Berlin and 01:30 in New York.
    const now = new Date('2025-06-04T05:30:00Z');
    expect(localTime(now, 'Europe/Berlin')).toEqual({ date: '2025-06-04', hour: 7, weekday: 3 });
    expect(duePeriod(prefs({ timeZone: 'Europe/Berlin', sendHour: 7 }), now)?.key).toBe('2025-06-04');
    expect(duePeriod(prefs({ timeZone: 'Europe/Berlin', sendHour: 8 }), now)).toBeNull();
    expect(duePeriod(prefs({ timeZone: 'America/New_York', sendHour: 7 }), now)).toBeNull();
    // Still 3 June in Honolulu: that day's digest.
    expect(duePeriod(prefs({ timeZone: 'Pacific/Honolulu', sendHour: 6 }), now)?.key).toBe('2025-06-03');
    // A weekly digest missed on Monday still goes out later that week, under the same key.
    expect(duePeriod(prefs({ frequency: 'weekly', sendHour: 9 }), new Date('2025-06-05T12:00:00Z'))?.key).toBe('2025-W23');
    expect(duePeriod(prefs({ frequency: 'weekly', sendHour: 9 }), new Date('2025-06-02T08:00:00Z'))).toBeNull();
  });
});

describe('preferences', () => {
  it('takes defaults, splits lists and rejects what it cannot use with reasons', () => {
    expect(parsePreferences({})).toEqual({ ok: true, preferences: DEFAULT_PREFERENCES });
    const ok = parsePreferences({ categories: ['cs.CL', 'cs.CV, math.PR'], interests: 'diffusion models\nspeech;  diffusion models ', paperCount: '12' });
    expect(ok).toMatchObject({
      ok: true,
      preferences: { categories: ['cs.CL', 'cs.CV', 'math.PR'], interests: ['diffusion models', 'speech'], paperCount: 12 },
    });
    const bad = parsePreferences({ categories: 'cs.CL; DROP TABLE', paperCount: '2', sendHour: '24', timeZone: 'Nowhere/City' });
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.errors).toEqual(
        expect.arrayContaining(['categories look like cs.CL or math.PR', 'at least 3 papers', 'hour is 0 to 23', expect.stringContaining('unknown time zone')]),
      );
    const injected = parsePreferences({ interests: 'diffusion\rBcc: x@example.org\u2028X-Evil: 1' });
    expect(injected).toMatchObject({ ok: true, preferences: { interests: ['diffusion Bcc: x@example.org X-Evil: 1'] } });
  });
});

describe('rendering', () => {
  const signer = new LinkSigner('k'.repeat(40));
  const links = mailLinks('https://papers.example.org', signer);
  const evil = paper(
    '2506.00001',
    'Bounds for <script>alert(1)</script> & $O(n<m)$ with \\textbf{MiMo}',
    'We show $a<b$ & "c" > d, \\emph{15\\%} better. ' + 'word '.repeat(100),
  );

  it('reads TeX as the site does (math in Unicode), escapes < and & in HTML and keeps the text part plain', () => {
    const period = periodForDate('daily', '2025-06-04')!;
    const sections = [{ kind: 'trending' as const, title: 'Trending', papers: [evil] }];
    const mail = renderDigest(period, prefs(), sections, {
      paper: (id) => `https://papers.example.org/papers/${id}`,
      unsubscribe: links.unsubscribe('0123456789abcdef', 'key'),
      manage: links.manage('0123456789abcdef', 'key'),
      site: 'https://papers.example.org/',
    });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('Bounds for &lt;script&gt;alert(1)&lt;/script&gt; &amp; O(n&lt;m) with MiMo');
    expect(mail.html).toContain('a&lt;b &amp; &quot;c&quot; &gt; d, 15% better.');
    expect(mail.text).toContain('Bounds for <script>alert(1)</script> & O(n<m) with MiMo');
    expect(mail.text).toContain('We show a<b & "c" > d, 15% better.');
    expect(mail.html + mail.text).not.toMatch(/\\textbf|\\emph|\\%/);
    expect(mail.text).toContain('https://papers.example.org/papers/2506.00001');
    expect(mail.text).toContain('Unsubscribe: https://papers.example.org/unsubscribe?token=');
    expect(shortAbstract(evil.abstract).length).toBeLessThanOrEqual(321);
    expect(mail.html).toMatch(/<meta name="color-scheme" content="light dark">/);
    expect(mail.html).not.toMatch(/<script/i);
  });

  it('confirmation mails say what was asked for and how long the link works', () => {
    const mail = renderConfirmation('subscribe', prefs({ interests: ['<b>bold</b>'] }), 'https://papers.example.org/subscribe/confirm?token=x', 48);
    expect(mail.text).toContain('Interests: <b>bold</b>');
    expect(mail.html).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(mail.text).toContain('48 hours');
    expect(escapeHtml(`<'&">`)).toBe('&lt;&#39;&amp;&quot;&gt;');
  });
});

describe('the "For you" section', () => {
  const papers = Array.from({ length: 12 }, (_, i) => paper(`2506.${String(i).padStart(5, '0')}`, `Paper ${i}`, '', [i % 2 ? 'cs.CV' : 'cs.LG']));
  const index = new TopicIndex(papers, null);
  const links = {
    paper: (id: string) => `https://papers.example.org/papers/${id}`,
    unsubscribe: 'https://papers.example.org/unsubscribe?token=u',
    manage: 'https://papers.example.org/subscription?token=m',
    site: 'https://papers.example.org/',
  };
  const picks = [
    { paper: papers[3], because: { paperId: '2401.00001', title: 'Saved <b>work</b> on $\\alpha$ & more', reason: 'saved' as const } },
    { paper: papers[0], because: { paperId: '2401.00002', title: 'My own paper', reason: 'claimed' as const } },
    { paper: papers[5], because: null },
  ];

  it('comes first, on top of the chosen number of papers, and no paper of it appears again', () => {
    const sections = selectDigest(papers, index, prefs({ paperCount: 6, categories: ['cs.CV'] }), picks);
    expect(sections.map((s) => s.kind)).toEqual(['for-you', 'trending', 'category']);
    expect(sections[0].papers.map((p) => p.id)).toEqual([papers[3].id, papers[0].id, papers[5].id]);
    expect(sections[0].because?.get(papers[0].id)?.reason).toBe('claimed');
    const rest = sections.slice(1).flatMap((s) => s.papers.map((p) => p.id));
    expect(rest).toHaveLength(6);
    for (const pick of picks) expect(rest).not.toContain(pick.paper.id);
    // Without picks there is no section at all, not an empty one.
    expect(selectDigest(papers, index, prefs({ paperCount: 6 }), []).map((s) => s.kind)).toEqual(['trending']);
  });

  it('says in both parts which paper of the reader explains each pick, escaped, linked, and where to turn it off', () => {
    const period = periodForDate('daily', '2025-06-04')!;
    const mail = renderDigest(period, prefs({ paperCount: 3 }), selectDigest(papers, index, prefs({ paperCount: 3 }), picks), links);
    const forYouHtml = mail.html.slice(mail.html.indexOf('>For you</h2>'), mail.html.indexOf('>Trending</h2>'));
    expect(forYouHtml).toContain(
      'Because you saved <a class="pf-link" href="https://papers.example.org/papers/2401.00001" style="color:#0b57d0;">Saved &lt;b&gt;work&lt;/b&gt; on α &amp; more</a>',
    );
    expect(forYouHtml).toContain('Because you are an author of <a class="pf-link" href="https://papers.example.org/papers/2401.00002"');
    expect(forYouHtml.match(/Because you/g)).toHaveLength(2);
    expect(forYouHtml).toContain('href="https://papers.example.org/settings#digest"');
    for (const pick of picks) expect(forYouHtml).toContain(`href="https://papers.example.org/papers/${pick.paper.id}"`);
    expect(mail.html).not.toContain('<b>work');

    const forYouText = mail.text.slice(mail.text.indexOf('For you\n======='), mail.text.indexOf('Trending\n'));
    expect(forYouText).toContain(
      `1. Paper 3\n   A. Author\n   1 upvotes | cs.CV\n   \n   https://papers.example.org/papers/${papers[3].id}\n   Because you saved “Saved <b>work</b> on α & more”: https://papers.example.org/papers/2401.00001`,
    );
    expect(forYouText).toContain('Turn this section off: https://papers.example.org/settings#digest');
    expect(forYouText.match(/Because you/g)).toHaveLength(2);
    // The trending papers keep their shared blocks: no reason under them.
    expect(mail.text.slice(mail.text.indexOf('Trending\n')).includes('Because you')).toBe(false);
  });
});

describe('signed links', () => {
  const signer = new LinkSigner('s'.repeat(40));
  it('verifies its own tokens for their purpose only, and nothing tampered', () => {
    const id = '0123456789abcdef';
    const confirm = LinkSigner.parse(signer.confirmToken(id, 'a'.repeat(32)))!;
    expect(signer.verifyConfirm(confirm)).toBe(true);
    const unsub = LinkSigner.parse(signer.subscriptionToken('unsubscribe', id, 'link-key'))!;
    expect(signer.verifySubscription('unsubscribe', unsub, 'link-key')).toBe(true);
    expect(signer.verifySubscription('manage', unsub, 'link-key')).toBe(false);
    expect(signer.verifySubscription('unsubscribe', unsub, 'rotated-key')).toBe(false);
    expect(new LinkSigner('t'.repeat(40)).verifySubscription('unsubscribe', unsub, 'link-key')).toBe(false);
    const other = LinkSigner.parse(signer.subscriptionToken('unsubscribe', 'fedcba9876543210', 'link-key'))!;
    expect(signer.verifySubscription('unsubscribe', { ...other, id }, 'link-key')).toBe(false);
    for (const junk of [undefined, '', 'x.y', `${id}.${'a'.repeat(32)}`, `${id}..${'A'.repeat(43)}`, 'a'.repeat(300)])
      expect(LinkSigner.parse(junk)).toBeNull();
  });
});
