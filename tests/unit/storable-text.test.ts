import { describe, expect, it } from 'vitest';
import { findUnstorableCharacters } from '../../db/schemas/storable-text';

describe('findUnstorableCharacters', () => {
  it('gives the line and column of every NUL and lone surrogate, and nothing for clean text', () => {
    const text = 'ok\n\0x\nemoji 😀 fine\nhalf \uD83D here\nend \uDE00';
    expect(findUnstorableCharacters(text).map(({ line, column }) => [line, column])).toEqual([
      [2, 1],
      [4, 6],
      [5, 5],
    ]);
    expect(findUnstorableCharacters('plain\ntext 😀')).toEqual([]);
  });

  it('stops at the limit, so a binary file gives a short list', () => {
    expect(findUnstorableCharacters('\0'.repeat(10_000), 3)).toHaveLength(3);
  });
});
