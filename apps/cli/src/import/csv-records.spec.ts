import { CsvParser, CsvRecord, CsvSyntaxError } from './csv-records';

/** Parse `text` given in chunks of `size` characters (records must not depend on chunking). */
function parse(text: string, size = text.length): (CsvRecord | CsvSyntaxError)[] {
  const parser = new CsvParser();
  const out: (CsvRecord | CsvSyntaxError)[] = [];
  for (let i = 0; i < text.length; i += size) out.push(...parser.push(text.slice(i, i + size)));
  out.push(...parser.finish());
  return out;
}
const fields = (text: string, size?: number) =>
  parse(text, size).map((r) => (r instanceof CsvSyntaxError ? `error@${r.line}` : r.fields));

describe('given RFC 4180 CSV', () => {
  const text = 'a,b,c\r\n1,"two, with comma","say ""hi"""\n\n3,"multi\nline",\n4,,"last"';

  it('then quoted fields keep commas, doubled quotes and line breaks; blank lines are skipped', () => {
    expect(fields(text)).toEqual([
      ['a', 'b', 'c'],
      ['1', 'two, with comma', 'say "hi"'],
      ['3', 'multi\nline', ''],
      ['4', '', 'last'],
    ]);
  });

  it('then any chunking gives the same records', () => {
    for (const size of [1, 2, 3, 7]) expect(fields(text, size)).toEqual(fields(text));
  });

  it('then each record knows the line it starts on and its raw text', () => {
    const records = parse(text) as CsvRecord[];
    expect(records.map((r) => r.line)).toEqual([1, 2, 4, 6]);
    expect(records[2]!.raw).toBe('3,"multi\nline",');
  });
});

describe('given broken records', () => {
  it('then a stray quote or text after a closing quote is an error for that line only', () => {
    expect(fields('a,b\nx"y,1\n"q"z,2\nok,3\n')).toEqual([
      ['a', 'b'],
      'error@2',
      'error@3',
      ['ok', '3'],
    ]);
  });

  it('then a quote left open at the end of the file is an error', () => {
    const [, broken] = parse('a,b\n"open,1\nmore');
    expect(broken).toBeInstanceOf(CsvSyntaxError);
    expect((broken as CsvSyntaxError).line).toBe(2);
  });
});
