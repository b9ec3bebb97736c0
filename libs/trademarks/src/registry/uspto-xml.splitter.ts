import type { Readable } from 'node:stream';
import type { ParsedItem } from './registry.types';
import { UsptoXmlParser, type SourceEnd } from './uspto-xml.parser';

/** Complete `case-file` elements cut out of a file, in file order, to be parsed on their own (parseSegment). */
export interface CaseFileSegment {
  kind: 'segment';
  /** The elements' text, as in the file. */
  text: string;
  /** The file position (1-based case-file number) of the first element. */
  firstPosition: number;
  count: number;
}

export type SplitItem = ParsedItem | CaseFileSegment;

/** What parsing a segment gives: its records and rejections, and what was wrong with it as a whole. */
export interface ParsedSegment {
  items: ParsedItem[];
  problem: string | null;
}

const OPEN = '<case-file';
const CLOSE = '</case-file>';

/**
 * Reads USPTO case-file XML as UsptoXmlParser does, but hands out runs of complete case-file
 * elements as text (segments of `segmentSize`) instead of parsing them, so that the importer's
 * worker threads parse them (parseSegment) while this thread only reads. The file's structure,
 * everything outside the cut elements, still goes through one UsptoXmlParser here, with the cut
 * elements counted (skip), so that positions, a file cut inside a record and broken XML outside
 * any record are reported exactly as by UsptoXmlParser. An element is cut only when it is
 * plainly delimited: `<case-file>` with no attribute up to the first `</case-file>`, holding no
 * comment, CDATA section or processing instruction (where an end tag could hide); anything else
 * is parsed here, in order.
 */
export class UsptoXmlSplitter {
  private readonly parser = new UsptoXmlParser();
  private buffer = '';
  private segment: string[] = [];
  private segmentFirst = 0;

  constructor(private readonly segmentSize = 1_000) {}

  async *parse(input: Readable): AsyncGenerator<SplitItem> {
    input.setEncoding('utf8');
    for await (const chunk of input as AsyncIterable<string>) {
      this.buffer = this.buffer === '' ? chunk : sequential(this.buffer + chunk);
      yield* this.cut(false);
    }
    yield* this.cut(true);
  }

  end(): SourceEnd {
    return this.parser.end();
  }

  private *cut(final: boolean): Generator<SplitItem> {
    const buffer = this.buffer;
    let at = 0;
    for (;;) {
      if (this.parser.insideCaseFile) {
        // A case-file this parser reads itself (one not cut): up to an end tag, until it has closed.
        const close = buffer.indexOf(CLOSE, at);
        if (close < 0) break;
        yield* this.feed(buffer.slice(at, close + CLOSE.length));
        at = close + CLOSE.length;
        continue;
      }
      const open = openTagAt(buffer, at);
      if (open < 0) {
        // No case-file starts here: the text goes to the parser, but for a tail that may begin one.
        const upTo = Math.max(at, buffer.length - OPEN.length);
        if (upTo > at) yield* this.feed(buffer.slice(at, upTo));
        at = upTo;
        break;
      }
      const close = buffer.indexOf(CLOSE, open);
      if (close < 0) {
        if (open > at) yield* this.feed(buffer.slice(at, open));
        at = open;
        break;
      }
      const end = close + CLOSE.length;
      const element = buffer.slice(open, end);
      if (!cuttable(element)) {
        yield* this.feed(buffer.slice(at, end));
        at = end;
        continue;
      }
      // The line break between two case-files is all that usually comes between them: whitespace
      // there means nothing to the parser (no event it reads, nothing to check), so it is not fed.
      if (open > at && !isWhitespace(buffer, at, open)) yield* this.feed(buffer.slice(at, open));
      if (this.segment.length === 0) this.segmentFirst = this.parser.caseFiles + 1;
      this.segment.push(element);
      this.parser.skip(1);
      at = end;
      if (this.segment.length >= this.segmentSize) yield this.takeSegment();
    }
    this.buffer = buffer.slice(at);
    if (final) {
      if (this.segment.length > 0) yield this.takeSegment();
      if (this.buffer.length > 0) yield* this.parser.write(this.buffer);
      this.buffer = '';
    }
  }

  /** Text for the parser here; a pending segment goes first when the text may hold a case-file (file order). */
  private *feed(text: string): Generator<SplitItem> {
    if (this.segment.length > 0 && text.includes(OPEN)) yield this.takeSegment();
    yield* this.parser.write(text);
  }

  private takeSegment(): CaseFileSegment {
    const segment: CaseFileSegment = { kind: 'segment', text: this.segment.join('\n'), firstPosition: this.segmentFirst, count: this.segment.length };
    this.segment = [];
    return segment;
  }
}

/** Where the next `<case-file` start tag begins at or after `from` (not `<case-file-header` and the like), or -1. */
function openTagAt(buffer: string, from: number): number {
  for (let i = buffer.indexOf(OPEN, from); i >= 0; i = buffer.indexOf(OPEN, i + OPEN.length)) {
    const next = buffer[i + OPEN.length];
    if (next === undefined || next === '>' || next === '/' || /\s/.test(next)) return i;
  }
  return -1;
}

/**
 * The text as one sequential string. The rest of a chunk joined to the next one is a
 * concatenation (a rope) in V8, and searching it for every case-file of the chunk cost about
 * 13 us a record (indexOf and the segments' join, the most of this thread's time); encoded and
 * decoded once, it is a plain string (UTF-8 round trips a decoded text exactly).
 */
function sequential(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

/** Whether buffer[from, to) is XML whitespace only (space, tab, line feed, carriage return). */
function isWhitespace(buffer: string, from: number, to: number): boolean {
  for (let i = from; i < to; i += 1) {
    const c = buffer.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
  }
  return true;
}

/** Whether an element from `<case-file` to the first `</case-file>` is certainly the whole element. */
function cuttable(element: string): boolean {
  return element.startsWith('<case-file>') && !element.includes('<!') && !element.includes('<?');
}

/**
 * Parses a segment on its own (in a worker thread, or inline): its elements inside one wrapper
 * element, positions counted from the segment's first. A case-file left open (broken markup that
 * swallowed its end tag) is rejected rather than lost.
 */
export function parseSegment(text: string, firstPosition: number): ParsedSegment {
  const parser = new UsptoXmlParser();
  parser.skip(firstPosition - 1);
  const items = parser.write(`<case-files>${text}</case-files>`);
  const open = parser.openCaseFile();
  const end = parser.end();
  if (open) items.push({ kind: 'rejected', rejected: { ...open, reason: 'malformed XML: the case-file is not closed' } });
  return { items, problem: open ? null : end.detail };
}
