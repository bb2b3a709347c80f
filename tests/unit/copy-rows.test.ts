import { describe, expect, it } from 'vitest';
import { chunkLines, copyLine } from '../../db/copy-rows';

describe('copyLine', () => {
  it('separates fields with tabs and ends the line', () => {
    expect(copyLine(['a', 'b c', ''])).toBe('a\tb c\t\n');
  });

  it('writes NULL as \\N, apart from the text "\\N", which is escaped', () => {
    expect(copyLine([null, '\\N'])).toBe('\\N\t\\\\N\n');
  });

  it('escapes backslashes, tabs, newlines and carriage returns', () => {
    expect(copyLine(['a\\b\tc\nd\re'])).toBe('a\\\\b\\tc\\nd\\re\n');
  });

  it('leaves other characters, quotes and non-ASCII included, as they are', () => {
    expect(copyLine(['{"text":"H₂O, ¿qué?"}'])).toBe('{"text":"H₂O, ¿qué?"}\n');
  });
});

describe('chunkLines', () => {
  const lines = (count: number, length: number): string[] =>
    Array.from({ length: count }, () => `${'x'.repeat(length - 1)}\n`);

  it('keeps every line, in order, grouped into chunks of about 128 KiB', () => {
    const input = lines(1000, 1000);
    const chunks = [...chunkLines(input, 1_000_000, () => undefined)];
    expect(chunks.join('')).toBe(input.join(''));
    expect(chunks.length).toBe(Math.ceil(1_000_000 / (128 * 1024)));
  });

  it('reports the running row count every so many rows, between chunks', () => {
    const reported: number[] = [];
    for (const chunk of chunkLines(lines(1000, 1000), 300, (rows) => reported.push(rows))) {
      expect(chunk.length).toBeGreaterThan(0);
    }
    expect(reported.length).toBeGreaterThanOrEqual(2);
    expect(reported.every((rows, index) => rows - (reported[index - 1] ?? 0) >= 300)).toBe(true);
  });

  it('yields nothing for no lines', () => {
    expect([...chunkLines([], 10, () => undefined)]).toEqual([]);
  });
});
