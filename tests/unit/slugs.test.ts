import { describe, expect, it } from 'vitest';
import { MAX_SLUG_LENGTH, SLUG_PATTERN } from '../../db/schemas/courses';
import { deriveSlug, slugCandidate } from '../../db/services/slugs';

describe('deriveSlug', () => {
  it('lower-cases the title and joins its words with hyphens', () => {
    expect(deriveSlug('Intro To SQL')).toBe('intro-to-sql');
  });

  it('folds accents to their ASCII letters', () => {
    expect(deriveSlug('Café crème à la Ñandú')).toBe('cafe-creme-a-la-nandu');
  });

  it('spells letters that have no decomposition the usual ASCII way', () => {
    expect(deriveSlug('Straße, Æsir, Øresund, Łódź')).toBe('strasse-aesir-oresund-lodz');
  });

  it('turns every run of other characters into a single hyphen', () => {
    expect(deriveSlug('C++ & Rust: 2024 -- edition!!')).toBe('c-rust-2024-edition');
  });

  it('trims hyphens from both ends', () => {
    expect(deriveSlug('  ...Hello, world!  ')).toBe('hello-world');
  });

  it('keeps at most 100 characters and no hyphen at the cut', () => {
    const slug = deriveSlug(`${'a'.repeat(99)} bcd`);
    expect(slug).toBe('a'.repeat(99));
    expect(deriveSlug('word '.repeat(60)).length).toBeLessThanOrEqual(MAX_SLUG_LENGTH);
  });

  it('is empty when nothing in the title folds to ASCII letters or digits', () => {
    expect(deriveSlug('日本語 — !!!')).toBe('');
  });

  it('always gives what the database CHECK accepts, or nothing', () => {
    for (const title of ['Ünïcödé', '--a--b--', 'ﬁne tuning', 'İstanbul 101', 'x'.repeat(300)]) {
      const slug = deriveSlug(title);
      expect(slug === '' || (SLUG_PATTERN.test(slug) && slug.length <= MAX_SLUG_LENGTH)).toBe(true);
    }
  });
});

describe('slugCandidate', () => {
  it('offers the slug itself first, then numbered variants from 2', () => {
    expect([1, 2, 3].map((n) => slugCandidate('intro', n))).toEqual([
      'intro',
      'intro-2',
      'intro-3',
    ]);
  });

  it('shortens a long slug so the number still fits in 100 characters', () => {
    const candidate = slugCandidate('a'.repeat(MAX_SLUG_LENGTH), 12);
    expect(candidate).toBe(`${'a'.repeat(97)}-12`);
  });

  it('does not leave a double hyphen where the shortened slug ended in one', () => {
    const slug = `${'a'.repeat(97)}-bb`;
    expect(slugCandidate(slug, 2)).toBe(`${'a'.repeat(97)}-2`);
  });
});
