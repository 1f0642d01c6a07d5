// A deliberately tiny RFC 4180 reader for tests: the grammar of section 2, nothing lenient. It
// throws on anything the RFC does not allow (a bare quote inside a field, a missing final CRLF),
// so a writer bug shows up as a failed parse rather than a silently different table.
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let i = 0;
  while (i < text.length) {
    const record: string[] = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= text.length) throw new Error('unterminated quoted field');
          if (text[i] === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          field += text[i++];
        }
      } else {
        while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
          if (text[i] === '"') throw new Error(`bare quote at ${i}`);
          field += text[i++];
        }
      }
      record.push(field);
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text.startsWith('\r\n', i)) {
        i += 2;
        break;
      }
      throw new Error(i >= text.length ? 'missing CRLF after the last record' : `unexpected ${JSON.stringify(text[i])} at ${i}`);
    }
    records.push(record);
  }
  return records;
}
