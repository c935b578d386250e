/**
 * CSV for every export (the staff dashboard, `npm run export`, focus group answers): RFC 4180 cells
 * with a chosen delimiter, and no cell that a spreadsheet would run as a formula.
 */
export const csvDelimiters = [',', ';'] as const;
export type CsvDelimiter = (typeof csvDelimiters)[number];

/**
 * Starts a formula in Excel, LibreOffice or Google Sheets: = + - @, a tab or a carriage return,
 * also after leading spaces or quotes (which spreadsheets skip), e.g. ` =1+1` or `"=cmd|…`.
 */
const FORMULA_START = /^[\s"']*[=+\-@\t\r]/;

/** The text of one cell, neutralised (prefixed with ') when it could run as a formula. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One cell: numbers as they are, text neutralised, quoted when it holds a delimiter, a quote or a line break. */
export function csvCell(value: string | number | null | undefined, delimiter: CsvDelimiter = ','): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = neutraliseFormula(value);
  // Both delimiters are quoted whichever is used, so a file opened with the other one still splits right.
  return /[",;\r\n\t]/.test(text) || text.includes(delimiter) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Header and rows as CSV text, lines ending with CRLF. */
export function toCsvText(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>, delimiter: CsvDelimiter = ','): string {
  const lines = [header, ...rows].map((row) => row.map((cell) => csvCell(cell, delimiter)).join(delimiter));
  return `${lines.join('\r\n')}\r\n`;
}
