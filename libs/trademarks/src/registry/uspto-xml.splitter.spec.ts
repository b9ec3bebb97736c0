import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { ParsedItem } from './registry.types';
import { UsptoXmlParser, type SourceEnd } from './uspto-xml.parser';
import { parseSegment, UsptoXmlSplitter } from './uspto-xml.splitter';

const SAMPLE = resolve(__dirname, '../../../../data/registry/sample-daily.xml');
const REAL = resolve(__dirname, '../../../../test/fixtures/registry/two-real-records.xml');
const BROKEN = resolve(__dirname, '../../../../test/fixtures/registry/sample-daily-broken.xml');

/** The text as a stream of `size`-character chunks (cuts fall anywhere: inside tags, names, end tags). */
function chunked(text: string, size: number): Readable {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  return Readable.from(chunks);
}

async function byParser(text: string, size: number): Promise<{ items: ParsedItem[]; end: SourceEnd }> {
  const parser = new UsptoXmlParser();
  const items: ParsedItem[] = [];
  for await (const item of parser.parse(chunked(text, size))) items.push(item);
  return { items, end: parser.end() };
}

/** What the importer does with the splitter: segments parsed on their own, in their place. */
async function bySplitter(text: string, size: number, segmentSize: number): Promise<{ items: ParsedItem[]; end: SourceEnd; segments: number }> {
  const splitter = new UsptoXmlSplitter(segmentSize);
  const items: ParsedItem[] = [];
  let segments = 0;
  for await (const item of splitter.parse(chunked(text, size))) {
    if (item.kind !== 'segment') {
      items.push(item);
      continue;
    }
    segments += 1;
    const parsed = parseSegment(item.text, item.firstPosition);
    expect(parsed.problem).toBeNull();
    items.push(...parsed.items);
  }
  return { items, end: splitter.end(), segments };
}

function daily(...caseFiles: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<trademark-applications-daily><application-information><file-segments><action-keys>\n${caseFiles.join('\n')}\n</action-keys></file-segments></application-information></trademark-applications-daily>\n`;
}

function caseFile(serial: string, mark: string, open = '<case-file>'): string {
  return `${open}<serial-number>${serial}</serial-number><case-file-header><status-code>630</status-code><status-date>20240101</status-date><mark-identification>${mark}</mark-identification></case-file-header><classifications><classification><international-code>025</international-code></classification></classifications></case-file>`;
}

describe('UsptoXmlSplitter', () => {
  it.each([
    ['the shipped sample', SAMPLE],
    ['two genuine USPTO records', REAL],
    ['the broken sample (bad records, cut inside a record)', BROKEN],
  ])('gives what UsptoXmlParser gives for %s, whatever the chunks and the segment size', async (_name, path) => {
    const text = readFileSync(path, 'utf8');
    const expected = await byParser(text, 65_536);
    expect(expected.items.length).toBeGreaterThan(1);
    for (const [size, segmentSize] of [
      [7, 3],
      [1_000, 100],
      [65_536, 1_000],
    ] as const) {
      const split = await bySplitter(text, size, segmentSize);
      expect(split.items).toEqual(expected.items);
      expect(split.end).toEqual(expected.end);
      expect(split.segments).toBeGreaterThan(0);
    }
  });

  it('leaves to the parser here the case-files it cannot delimit safely, in file order', async () => {
    const text = daily(
      caseFile('70000001', 'PLAIN ONE'),
      caseFile('70000002', 'CDATA <![CDATA[</case-file>]]> INSIDE'),
      caseFile('70000003', 'PLAIN THREE'),
      caseFile('70000004', 'COMMENTED <!-- </case-file> --> MARK'),
      caseFile('70000005', 'WITH ATTRIBUTE', '<case-file status="x">'),
      caseFile('70000006', 'PLAIN SIX'),
    );
    const expected = await byParser(text, 64);
    expect(expected.items.map((i) => (i.kind === 'record' ? [i.position, i.record.mark] : i))).toEqual([
      [1, 'PLAIN ONE'],
      [2, 'CDATA </case-file> INSIDE'],
      [3, 'PLAIN THREE'],
      [4, 'COMMENTED MARK'],
      [5, 'WITH ATTRIBUTE'],
      [6, 'PLAIN SIX'],
    ]);
    for (const size of [5, 64, 100_000]) {
      const split = await bySplitter(text, size, 2);
      expect(split.items).toEqual(expected.items);
      expect(split.end).toEqual(expected.end);
    }
  });

  it('reports a file cut inside a cut-able record, and broken XML outside any record, as the parser does', async () => {
    const whole = daily(caseFile('70000001', 'ONE'), caseFile('70000002', 'TWO'), caseFile('70000003', 'THREE'));
    for (const text of [whole.slice(0, whole.indexOf('THREE')), whole.replace('<action-keys>', '<action-keys><oops>'), `${whole}<trailing>`]) {
      const expected = await byParser(text, 1_000);
      const split = await bySplitter(text, 13, 2);
      expect(split.items).toEqual(expected.items);
      expect(split.end).toEqual(expected.end);
      expect(expected.end.detail).not.toBeNull();
    }
  });

  it('rejects a record of a segment whose markup swallowed its end tag rather than lose it', () => {
    const parsed = parseSegment('<case-file><serial-number>70000001</serial-number><mark-identification>BROKEN</case-file>', 41);
    expect(parsed.items).toEqual([expect.objectContaining({ kind: 'rejected', rejected: expect.objectContaining({ position: 41, serialNumber: '70000001' }) })]);
  });
});
