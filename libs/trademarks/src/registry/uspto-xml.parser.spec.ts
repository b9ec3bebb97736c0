import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { ParsedItem } from './registry.types';
import { UsptoXmlParser } from './uspto-xml.parser';

const SAMPLE = resolve(__dirname, '../../../../data/registry/sample-daily.xml');
const REAL = resolve(__dirname, '../../../../test/fixtures/registry/two-real-records.xml');
const BROKEN = resolve(__dirname, '../../../../test/fixtures/registry/sample-daily-broken.xml');

async function parseAll(input: Readable): Promise<{ items: ParsedItem[]; end: ReturnType<UsptoXmlParser['end']> }> {
  const parser = new UsptoXmlParser();
  const items: ParsedItem[] = [];
  for await (const item of parser.parse(input)) items.push(item);
  return { items, end: parser.end() };
}

function caseFile(inner: string): string {
  return `<case-file>${inner}</case-file>`;
}

function xml(...caseFiles: string[]): Readable {
  return Readable.from([
    `<?xml version="1.0" encoding="UTF-8"?><trademark-applications-daily><application-information><file-segments><action-keys>${caseFiles.join('\n')}</action-keys></file-segments></application-information></trademark-applications-daily>`,
  ]);
}

describe('UsptoXmlParser', () => {
  it('maps the fields a registry needs: Nice (not US) classes, the latest owner, GS statements only', async () => {
    const { items, end } = await parseAll(
      xml(
        caseFile(
          '<serial-number>97000001</serial-number><registration-number>0000000</registration-number>' +
            '<case-file-header><filing-date>20200323</filing-date><status-code>712</status-code><status-date>20220916</status-date>' +
            '<mark-identification>BRIGHT  &amp; CO</mark-identification></case-file-header>' +
            '<case-file-statements><case-file-statement><type-code>GS0351</type-code><text>Retail store services</text></case-file-statement>' +
            '<case-file-statement><type-code>DM0000</type-code><text>The mark consists of a star.</text></case-file-statement>' +
            '<case-file-statement><type-code>GS0250</type-code><text>Shirts</text></case-file-statement></case-file-statements>' +
            '<classifications><classification><international-code>035</international-code><us-code>101</us-code><status-code>6</status-code><primary-code>101</primary-code></classification>' +
            '<classification><international-code>025</international-code><us-code>039</us-code></classification></classifications>' +
            '<case-file-owners><case-file-owner><entry-number>2</entry-number><party-type>30</party-type><party-name>CEDAR CO.</party-name></case-file-owner>' +
            '<case-file-owner><entry-number>1</entry-number><party-type>10</party-type><party-name>MEADOW S.A.</party-name></case-file-owner></case-file-owners>',
        ),
      ),
    );
    expect(end).toEqual({ truncated: false, detail: null });
    expect(items).toEqual([
      {
        kind: 'record',
        position: 1,
        record: {
          serialNumber: '97000001',
          registrationNumber: null,
          mark: 'BRIGHT & CO',
          statusCode: '712',
          live: false,
          statusDate: '2022-09-16',
          filingDate: '2020-03-23',
          registrationDate: null,
          owner: 'CEDAR CO.',
          classes: [25, 35],
          goodsServices: 'Class 25: Shirts\nClass 35: Retail store services',
        },
      },
    ]);
  });

  it('rejects a case-file without serial number or with a class outside 1..45, and keeps the next ones', async () => {
    const { items } = await parseAll(
      xml(
        caseFile('<case-file-header><mark-identification>NO SERIAL</mark-identification></case-file-header>'),
        caseFile('<serial-number>97000002</serial-number><classifications><classification><international-code>999</international-code></classification></classifications>'),
        caseFile('<serial-number>97000003</serial-number><case-file-header><status-code>800</status-code></case-file-header>'),
      ),
    );
    expect(items).toEqual([
      { kind: 'rejected', rejected: { serialNumber: null, position: 1, reason: 'missing serial number' } },
      { kind: 'rejected', rejected: { serialNumber: '97000002', position: 2, reason: 'invalid Nice class "999" (1 to 45 expected)' } },
      expect.objectContaining({ kind: 'record', position: 3, record: expect.objectContaining({ serialNumber: '97000003', live: true, mark: null }) }),
    ]);
  });

  it('reads a file split into arbitrary chunks the same as whole', async () => {
    const text = `<r><action-keys>${caseFile('<serial-number>97000004</serial-number><case-file-header><mark-identification>ÉCLAIR</mark-identification></case-file-header>')}</action-keys></r>`;
    const bytes = Buffer.from(text, 'utf8');
    const chunks = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    const { items } = await parseAll(Readable.from(chunks));
    expect(items).toEqual([expect.objectContaining({ record: expect.objectContaining({ serialNumber: '97000004', mark: 'ÉCLAIR' }) })]);
  });

  it('reads the 2,000 case-files of the shipped sample', async () => {
    const { items, end } = await parseAll(createReadStream(SAMPLE));
    expect(end.truncated).toBe(false);
    expect(items.filter((i) => i.kind === 'record')).toHaveLength(2000);
    expect(items.filter((i) => i.kind === 'rejected')).toEqual([]);
  });

  it('reports the cut record of a truncated file', async () => {
    const { items, end } = await parseAll(createReadStream(BROKEN));
    expect(items).toHaveLength(300);
    expect(end).toEqual({ truncated: true, detail: 'the file ends inside case-file #301 (serial 97999999); that record is not imported' });
  });
  it('labels pre-1973 goods statements (US class in the type code) with the Nice class they belong to', async () => {
    const { items } = await parseAll(
      xml(
        caseFile(
          '<serial-number>72000001</serial-number><registration-number>0901234</registration-number>' +
            '<case-file-header><status-code>800</status-code><mark-identification>GLIDE</mark-identification></case-file-header>' +
            '<case-file-statements><case-file-statement><type-code>GS0441</type-code><text>EMERY BOARDS</text></case-file-statement></case-file-statements>' +
            '<classifications><classification><international-code>008</international-code><us-code>044</us-code><status-code>6</status-code></classification></classifications>',
        ),
      ),
    );
    expect(items).toEqual([expect.objectContaining({ record: expect.objectContaining({ classes: [8], goodsServices: 'Class 8: EMERY BOARDS' }) })]);
  });

  it('leaves a class cancelled from a live registration out of its classes and marks its goods', async () => {
    const { items } = await parseAll(
      xml(
        caseFile(
          '<serial-number>78000001</serial-number><registration-number>3000001</registration-number>' +
            '<case-file-header><status-code>800</status-code><mark-identification>ORBIT</mark-identification></case-file-header>' +
            '<case-file-statements><case-file-statement><type-code>GS0090</type-code><text>Software</text></case-file-statement>' +
            '<case-file-statement><type-code>GS0250</type-code><text>Shirts</text></case-file-statement></case-file-statements>' +
            '<classifications><classification><international-code>009</international-code><status-code>6</status-code></classification>' +
            '<classification><international-code>025</international-code><status-code>B</status-code></classification></classifications>',
        ),
        caseFile(
          '<serial-number>78000002</serial-number><case-file-header><status-code>710</status-code><mark-identification>ORBIT</mark-identification></case-file-header>' +
            '<classifications><classification><international-code>009</international-code><status-code>2</status-code></classification></classifications>',
        ),
      ),
    );
    expect(items).toEqual([
      expect.objectContaining({ record: expect.objectContaining({ classes: [9], goodsServices: 'Class 9: Software\nClass 25 (cancelled): Shirts' }) }),
      // A dead registration keeps the classes it had (cancelled with the whole registration).
      expect.objectContaining({ record: expect.objectContaining({ classes: [9], live: false }) }),
    ]);
  });

  it('reads the two genuine USPTO records with their Nice classes and goods', async () => {
    const { items, end } = await parseAll(createReadStream(REAL));
    expect(end).toEqual({ truncated: false, detail: null });
    expect(items).toEqual([
      expect.objectContaining({ record: expect.objectContaining({ serialNumber: '98763166', mark: 'SUVENEER', classes: [16], goodsServices: expect.stringMatching(/^Class 16: /) }) }),
      expect.objectContaining({
        record: expect.objectContaining({ serialNumber: '98423838', classes: [36], goodsServices: expect.stringMatching(/^Class 36: /) }),
      }),
    ]);
  });
});
