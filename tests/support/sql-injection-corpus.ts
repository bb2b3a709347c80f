/**
 * Classic SQL-injection payloads, for tests that send them through every text field that reaches
 * SQL. None starts or ends with whitespace (names and searches are trimmed) or with an apostrophe
 * before = + - @ (the CSV import strips that spreadsheet guard), so each must come back as sent.
 */
export const sqlInjectionPayloads: readonly string[] = [
  // Quotes closing the literal around them.
  "' OR 1=1 --",
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  "'); DROP TABLE courses; --",
  '"; DROP TABLE lessons; --',
  "'::text; DROP TABLE quizzes; --",
  // Backslash escapes, as MySQL and E'' strings read them.
  "\\'",
  "\\\\'; DROP TABLE enrollments; --",
  "E'\\x27 OR 1=1'",
  '\\',
  // Dollar quoting and bind-parameter look-alikes.
  '$$; DROP TABLE users; $$',
  '$tag$ DROP TABLE users $tag$',
  '$1',
  // Time-based and stacked queries.
  "%' AND pg_sleep(1) --",
  "'; SELECT pg_sleep(1); --",
  "'; COPY users TO PROGRAM 'touch /tmp/pwned'; --",
  // UNION and subqueries.
  "' UNION SELECT id, email, password_hash FROM users --",
  '1 UNION ALL SELECT NULL, version() --',
  "' || (SELECT password_hash FROM users LIMIT 1) || '",
  "' AND 1=(SELECT count(*) FROM pg_catalog.pg_tables) --",
  // Comments.
  '/* comment */ OR 1=1',
  "admin'/*",
  '*/ DROP TABLE users; /*',
  // Quote look-alikes a careless normalisation could turn into a quote.
  '＇ OR 1=1 --',
  'ʼ OR ʼ1ʼ=ʼ1',
  '\u2019; DROP TABLE users; --',
  // LIKE wildcards and their escapes.
  '%',
  '_',
  '%%',
  '_%_',
  '\\%',
  '\\_',
  '[a-z]%',
  // COPY's text format: NULL marker, end-of-data marker, field and line separators.
  '\\N',
  '\\.',
  'tab\tseparated',
  'two\nlines',
];

/** Characters PostgreSQL text can't hold as sent: a call carrying one must be refused, not altered. */
export const unstorablePayloads: readonly string[] = [
  "nul\u0000'; DROP TABLE users; --",
  '\u0000',
  'lone \uD800 surrogate',
  '\uDFFF',
];
