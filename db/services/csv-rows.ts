import Papa from 'papaparse';

/**
 * CSV files people open in spreadsheets, shared by every CSV import and export (users,
 * questions): formula-safe cells, rows with the line they start on, and header checks.
 */

/**
 * Cells export puts an apostrophe before: those a spreadsheet would run as a formula, and those
 * that already start with an apostrophe, so that the one import removes is always export's own.
 */
const GUARDED_START = /^[=+\-@\t\r']/;

/** Undoes the apostrophe export puts before a guarded cell. */
export function unguardCell(value: string): string {
  return value.startsWith("'") && GUARDED_START.test(value.slice(1)) ? value.slice(1) : value;
}

export function guardCell(value: string): string {
  return GUARDED_START.test(value) ? `'${value}` : value;
}

/** One row of a CSV text: its cells (guards undone), the line it starts on, what was unreadable. */
export interface CsvRow {
  cells: string[];
  /** 1-based; quoted fields may span lines and blank lines are skipped, so not the row's index. */
  line: number;
  errors: string[];
}

/** Reads a CSV text row by row, the header first, blank lines left out. */
export function forEachCsvRow(text: string, onRow: (row: CsvRow) => void): void {
  // Lines are counted up to each row's first character.
  let rowEnd = 0;
  let counted = 0;
  let line = 1;
  Papa.parse<string[]>(text, {
    skipEmptyLines: 'greedy',
    step: (result) => {
      let start = rowEnd;
      while (start < text.length && /\s/.test(text.charAt(start))) start++;
      for (; counted < start; counted++) if (text.charCodeAt(counted) === 10) line++;
      rowEnd = result.meta.cursor;
      onRow({
        cells: result.data.map(unguardCell),
        line,
        errors: result.errors.map((error) => `unreadable CSV: ${error.message}`),
      });
    },
  });
}

/** What is wrong with a header row (names lower-cased and trimmed): unknown and missing columns. */
export function headerProblems(
  header: readonly string[],
  columns: readonly string[],
  required: readonly string[],
): string[] {
  const unknown = header.filter((name) => !columns.includes(name));
  const missing = required.filter((name) => !header.includes(name));
  return [
    ...(unknown.length > 0
      ? [`unknown column(s) ${unknown.join(', ')}; the columns are ${columns.join(', ')}`]
      : []),
    ...(missing.length > 0 ? [`missing column(s) ${missing.join(', ')}`] : []),
  ];
}
