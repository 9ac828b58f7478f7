// CSV for spreadsheets (RFC 4180, CRLF rows). A cell a spreadsheet would run as a formula
// (starting with = + - @, or a tab or carriage return that hides one) gets a leading ' so it
// stays text: an export of what LINE users typed must not execute on an operator's computer.
export type CsvCell = string | number | boolean | Date | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n']/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(cells: CsvCell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** Excel reads a UTF-8 CSV as such (Thai included) only with this mark first. */
export const CSV_BOM = '\uFEFF';
