import { MAX_SLUG_LENGTH } from '../schemas/courses';

/**
 * Course slugs: the URL-safe names the database's `courses_slug_check` accepts. Pure functions, so
 * the rules can be tested without a database; `courses.ts` asks the database which are taken.
 */

/** Letters that Unicode decomposition leaves alone but that have a usual ASCII spelling. */
const LETTERS_WITHOUT_DECOMPOSITION: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};

/** Cuts to at most `length` characters without leaving a hyphen at the end. */
function truncateSlug(slug: string, length: number): string {
  return slug.slice(0, length).replace(/-+$/, '');
}

/**
 * The slug a title suggests: lower-case, accents folded to ASCII, every run of other characters
 * a single hyphen, no hyphen at either end, at most 100 characters. Empty when the title has no
 * letter or digit that folds to ASCII (then the person has to give a slug).
 */
export function deriveSlug(title: string): string {
  const folded = title
    .toLowerCase()
    // Decomposes "é" into "e" and a combining accent (and "ﬁ" into "fi"), so the accent can go.
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[ßæœøłđðþı]/g, (letter) => LETTERS_WITHOUT_DECOMPOSITION[letter] ?? '');
  const hyphenated = folded.replace(/[^a-z0-9]+/g, '-').replace(/^-+/, '');
  return truncateSlug(hyphenated, MAX_SLUG_LENGTH);
}

/**
 * The `n`th candidate for a slug: the slug itself first, then `slug-2`, `slug-3` … with the base
 * shortened so the suffix still fits in 100 characters.
 */
export function slugCandidate(slug: string, n: number): string {
  if (n <= 1) return slug;
  const suffix = `-${n}`;
  return `${truncateSlug(slug, MAX_SLUG_LENGTH - suffix.length)}${suffix}`;
}
