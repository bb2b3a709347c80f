import pg from 'pg';

/**
 * PostgreSQL's reserved and type/function-name keywords: a name that is one needs quotes. (Other
 * keywords, like `position`, serve as column and table names as they are.)
 */
const KEYWORDS_NEEDING_QUOTES = new Set(
  `all analyse analyze and any array as asc asymmetric authorization binary both case cast check
  collate collation column concurrently constraint create cross current_catalog current_date
  current_role current_schema current_time current_timestamp current_user default deferrable desc
  distinct do else end except false fetch for foreign freeze from full grant group having ilike in
  initially inner intersect into is isnull join lateral leading left like limit localtime
  localtimestamp natural not notnull null offset on only or order outer overlaps placing primary
  references returning right select session_user similar some symmetric system_user table
  tablesample then to trailing true union unique user using variadic verbose when where window with`.split(
    /\s+/,
  ),
);

/** A name as SQL writes it: bare when it can be, else in double quotes. */
export function quoteIdentifier(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) && !KEYWORDS_NEEDING_QUOTES.has(name)
    ? name
    : pg.escapeIdentifier(name);
}

/** A value as an SQL string literal. */
export function quoteLiteral(value: string): string {
  return pg.escapeLiteral(value);
}
