import { describe, expect, it } from 'vitest';
import { APP_PAGE_URL } from '../../electron/app-protocol';
import { isAllowedExternalLink } from '../../electron/external-links';
import { navigationVerdict } from '../../electron/navigation';

describe('where the Electron window may go', () => {
  it("stays on the app's page whatever its fragment or query", () => {
    expect(navigationVerdict(APP_PAGE_URL)).toBe('navigate');
    expect(navigationVerdict(`${APP_PAGE_URL}#/users/42`)).toBe('navigate');
    expect(navigationVerdict(`${APP_PAGE_URL}?reload=1`)).toBe('navigate');
  });

  it("goes to no other page, not even another file of the app's own origin", () => {
    expect(navigationVerdict('lms-admin://app/assets/index.js')).toBe('deny');
    expect(navigationVerdict('lms-admin://other/index.html')).toBe('deny');
    expect(navigationVerdict('file:///etc/passwd')).toBe('deny');
    expect(navigationVerdict('https://evil.example/index.html')).toBe('deny');
    expect(navigationVerdict('javascript:alert(1)')).toBe('deny');
    expect(navigationVerdict('data:text/html,<script>alert(1)</script>')).toBe('deny');
    expect(navigationVerdict('about:blank')).toBe('deny');
    expect(navigationVerdict('not a url')).toBe('deny');
  });

  it("sends a link to PostgreSQL's manual to the browser instead of loading it", () => {
    expect(navigationVerdict('https://www.postgresql.org/docs/current/libpq-ssl.html')).toBe(
      'open-externally',
    );
  });
});

describe('which links may open in the browser', () => {
  it('allows https links to a listed host', () => {
    expect(isAllowedExternalLink('https://www.postgresql.org/docs/')).toBe(true);
  });

  it('refuses other schemes, even to a listed host', () => {
    expect(isAllowedExternalLink('http://www.postgresql.org/docs/')).toBe(false);
    expect(isAllowedExternalLink('file://www.postgresql.org/docs/')).toBe(false);
    expect(isAllowedExternalLink('ftp://www.postgresql.org/')).toBe(false);
  });

  it('refuses hosts not on the list, lookalikes included', () => {
    expect(isAllowedExternalLink('https://evil.example/')).toBe(false);
    expect(isAllowedExternalLink('https://www.postgresql.org.evil.example/')).toBe(false);
    expect(isAllowedExternalLink('https://postgresql.org/')).toBe(false);
    expect(isAllowedExternalLink('https://evil.example/?www.postgresql.org')).toBe(false);
  });

  it('refuses a listed host disguised by credentials or sent to another port', () => {
    expect(isAllowedExternalLink('https://www.postgresql.org@evil.example/')).toBe(false);
    expect(isAllowedExternalLink('https://user:secret@www.postgresql.org/')).toBe(false);
    expect(isAllowedExternalLink('https://www.postgresql.org:8443/')).toBe(false);
  });

  it('refuses what is not a URL', () => {
    expect(isAllowedExternalLink('www.postgresql.org')).toBe(false);
    expect(isAllowedExternalLink('')).toBe(false);
  });
});
