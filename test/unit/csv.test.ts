import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BOM, csvField, csvHeader, csvRecord, csvRows, localTime, neutralizeFormula, type CsvColumn } from '#shared/domain/csv.ts';
import { parseCsv } from './csv-parse.ts';

describe('CSV writer (RFC 4180)', () => {
  it('L4: quotes only fields with a quote, comma, CR or LF, and doubles inner quotes', () => {
    expect(csvRecord(['plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\rhere', '', null, 42, true])).toBe(
      'plain,"a,b","say ""hi""","two\nlines","cr\rhere",,,42,true\r\n',
    );
  });

  it('L4: ends every record with CRLF, the header too', () => {
    const columns: CsvColumn<{ a: string; n: number }>[] = [
      { header: 'a', value: (r) => r.a },
      { header: 'n', value: (r) => r.n },
    ];
    expect(csvHeader(columns) + csvRows(columns, [{ a: 'x', n: 1 }, { a: 'y', n: 2 }])).toBe('a,n\r\nx,1\r\ny,2\r\n');
  });

  it('L4: keeps UTF-8 text as it is and offers the BOM Excel needs', () => {
    expect(csvField('Звонок от Ивана ☎')).toBe('Звонок от Ивана ☎');
    expect(BOM).toBe('\uFEFF');
    expect(Buffer.from(BOM, 'utf8')).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('L4: round-trips any table through an RFC 4180 reader', () => {
    // Cells starting with CR are formula-looking too and come back with the guard's prefix (below).
    const cell = fc.string({ unit: fc.constantFrom('a', 'Я', '"', ',', '\r', '\n', ' ', '1', '☎', "'", ';') });
    const table = fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(table, (rows) => {
        // A record of one empty field is an empty line, which RFC 4180 cannot tell from no field.
        fc.pre(rows.every((r) => r.length > 1 || r[0] !== ''));
        const text = rows.map((r) => csvRecord(r)).join('');
        expect(parseCsv(text)).toEqual(rows.map((r) => r.map(neutralizeFormula)));
      }),
      { numRuns: 500 },
    );
  });

  it('L4: round-trips numbers and text that looks like formulas as text (the prefix is the only change)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })), { minLength: 2, maxLength: 8 }), (cells) => {
        const [parsed] = parseCsv(csvRecord(cells));
        expect(parsed).toEqual(cells.map((c) => (typeof c === 'number' ? String(c) : neutralizeFormula(c))));
      }),
      { numRuns: 500 },
    );
  });
});

describe('CSV injection guard', () => {
  it('L4: prefixes cells a spreadsheet would run as a formula with a quote', () => {
    expect(csvField('=HYPERLINK("http://evil.example","x")')).toBe(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(csvField('+1+cmd|calc')).toBe("'+1+cmd|calc");
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tx')).toBe("'\tx");
    expect(csvField('\rx')).toBe(`"'\rx"`);
  });

  it('L4: leaves E.164 phone numbers and numbers unchanged', () => {
    expect(csvField('+79161234567')).toBe('+79161234567');
    expect(csvField('+14155550100')).toBe('+14155550100');
    expect(csvField(-5)).toBe('-5');
    // Not E.164: a plus with anything but 2 to 15 digits is treated like any other text.
    expect(csvField('+7 916 123')).toBe("'+7 916 123");
    expect(csvField('+0123')).toBe("'+0123");
    expect(csvField('anonymous')).toBe('anonymous');
  });
});

describe('tenant time zone', () => {
  it('L4: formats instants as wall-clock time of the tenant', () => {
    expect(localTime('2026-11-21T10:05:09.123Z', 'Europe/Moscow')).toBe('2026-11-21 13:05:09');
    expect(localTime('2026-11-21T10:05:09Z', 'UTC')).toBe('2026-11-21 10:05:09');
    expect(localTime('2026-07-01T00:30:00Z', 'America/New_York')).toBe('2026-06-30 20:30:00');
    expect(localTime('2026-03-29T01:00:00Z', 'Europe/Berlin')).toBe('2026-03-29 03:00:00');
    expect(localTime('2026-11-21T00:00:00Z', 'Asia/Kolkata')).toBe('2026-11-21 05:30:00');
    expect(localTime('2026-11-21T21:00:00Z', 'Europe/Moscow')).toBe('2026-11-22 00:00:00');
    expect(localTime(null, 'UTC')).toBe('');
    expect(localTime('not a time', 'UTC')).toBe('');
  });
});
