/**
 * Characters PostgreSQL can't store as given: a NUL, or half of a surrogate pair without its
 * other half. The driver would write a NUL as the two characters `\0` (or the server refuses
 * it), and a lone surrogate as U+FFFD, so text read back would not be the text sent.
 */
export const UNSTORABLE_CHARACTER =
  /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What a person is told about an unstorable character, by what it is. */
export function describeUnstorable(character: string): string {
  return character === '\0'
    ? "holds a NUL character (byte 0), which the database can't store: remove it"
    : "holds half of a UTF-16 surrogate pair (broken text encoding), which the database can't store: re-save the file as UTF-8";
}

/** Where unstorable characters sit in a text (1-based line and column), at most `limit` of them. */
export function findUnstorableCharacters(
  text: string,
  limit = 20,
): { line: number; column: number; message: string }[] {
  const found: { line: number; column: number; message: string }[] = [];
  const pattern = new RegExp(UNSTORABLE_CHARACTER.source, 'g');
  let line = 1;
  let lineStart = 0;
  let scanned = 0;
  for (let match = pattern.exec(text); match && found.length < limit; match = pattern.exec(text)) {
    // Count the line ends between the previous match and this one, without splitting the text.
    for (let index = text.indexOf('\n', scanned); index !== -1 && index < match.index;) {
      line++;
      lineStart = index + 1;
      index = text.indexOf('\n', index + 1);
    }
    scanned = match.index;
    found.push({
      line,
      column: match.index - lineStart + 1,
      message: describeUnstorable(match[0]),
    });
  }
  return found;
}
