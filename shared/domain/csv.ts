// CSV as RFC 4180 says it (L4): CRLF after every record, a field quoted when it holds `"`, `,`, CR
// or LF, inner quotes doubled. UTF-8; the byte-order mark is optional (Excel needs it to read
// UTF-8). Pure: the export streams these lines page by page (shared/services/exports.ts).

export type CsvCell = string | number | boolean | null | undefined;

/** A column of an export: its header and how a row gives its cell. */
export interface CsvColumn<T> {
  header: string;
  value: (row: T) => CsvCell;
}

/** U+FEFF, written first when the caller asks for a BOM (`bom=true`). */
export const BOM = '\uFEFF';

const NEEDS_QUOTES = /[",\r\n]/;
/** A phone number in E.164 (`+79161234567`): data, not a formula, so it is written as it is. */
const E164 = /^\+[1-9]\d{1,14}$/;
/** What a spreadsheet reads as the start of a formula (OWASP "CSV injection"): = + - @, tab, CR. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Neutralizes text a spreadsheet would run as a formula by prefixing `'` (OWASP's advice), so a
 * caller name like `=HYPERLINK(…)` arrives as text. E.164 numbers start with `+` but are kept
 * unchanged: they are the most common value of a call log, a `+` followed by digits only cannot
 * call a function, and altering them would break re-import and lookups. Numbers (typed as
 * numbers) are never touched, so a negative duration stays a number.
 */
export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) && !E164.test(text) ? `'${text}` : text;
}

/** One field: text neutralized against formulas, then quoted when RFC 4180 requires it. */
export function csvField(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  if (typeof cell === 'boolean') return cell ? 'true' : 'false';
  const text = neutralizeFormula(cell);
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record with its CRLF. */
export function csvRecord(cells: readonly CsvCell[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}

export function csvHeader<T>(columns: readonly CsvColumn<T>[]): string {
  return csvRecord(columns.map((c) => c.header));
}

/** The records of a batch of rows as one string (one write per page keeps the stream's chunks large). */
export function csvRows<T>(columns: readonly CsvColumn<T>[], rows: readonly T[]): string {
  let out = '';
  for (const row of rows) out += csvRecord(columns.map((c) => c.value(row)));
  return out;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * An ISO instant as local wall-clock time of the tenant (`2026-11-21 13:05:09`), what a person
 * reading the log in a spreadsheet expects; null and unparsable values give an empty cell.
 */
export function localTime(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const p = Object.fromEntries(formatterOf(timeZone).formatToParts(date).map((x) => [x.type, x.value]));
  return `${p['year']}-${p['month']}-${p['day']} ${p['hour']}:${p['minute']}:${p['second']}`;
}

/** True for an IANA time zone this runtime knows: the tenant settings' `timeZone` is checked with it (shared/config.ts). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterOf(timeZone);
    return true;
  } catch {
    return false;
  }
}
