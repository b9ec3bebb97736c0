import type { Readable } from 'node:stream';
import { SaxesParser } from 'saxes';
import type { ParsedItem, ParsedRecord } from './registry.types';
import { dateOf, niceClassesOf, RecordFieldError, registrationNumberOf, serialNumberOf, statusCodeOf, textOf } from './record-fields.util';
import { isLiveStatus } from './status-codes.util';

/** The end of a source file: whether it was cut in the middle of a record. */
export interface SourceEnd {
  truncated: boolean;
  detail: string | null;
}

interface Owner {
  partyType: number;
  entryNumber: number;
  name: string;
}

interface Statement {
  typeCode: string;
  text: string;
}

/** One `classification` element: its Nice class(es), the US classes beside them, and the class status. */
export interface Classification {
  internationalCodes: string[];
  usCodes: string[];
  /** `classification/status-code`: 6 is active; 1-5, A-K, 7-9, X are cancelled, inactive or ended. */
  statusCode: string | null;
}

/**
 * Class status codes of a registration's classes that keep the class in force: 6 active,
 * P partially paid, W fee waived. Every other code (1-5 and A-E: cancelled under section 7, 8,
 * 18, 24 or 37; F-K: cancelled under sections 71, 70, 16; 7 insufficient fee; 8 abandoned;
 * 9 expired; X terminated) means the class no longer counts. A missing code counts as active.
 */
const ACTIVE_CLASS_STATUS = new Set(['6', 'P', 'W']);

export function isActiveClassStatus(code: string | null): boolean {
  return code === null || code === '' || ACTIVE_CLASS_STATUS.has(code.toUpperCase());
}

/** What one case-file element has collected so far; paths are relative to `case-file`. */
class CaseFileDraft {
  readonly values = new Map<string, string>();
  readonly classifications: Classification[] = [];
  classification: Classification = { internationalCodes: [], usCodes: [], statusCode: null };
  readonly owners: Owner[] = [];
  readonly statements: Statement[] = [];
  owner: Partial<Owner> = {};
  statement: Partial<Statement> = {};
  malformed: string | null = null;

  constructor(readonly position: number) {}

  /** A leaf element closed: keep the fields the registry needs. */
  collect(path: string, text: string): void {
    switch (path) {
      case 'serial-number':
      case 'registration-number':
      case 'case-file-header/mark-identification':
      case 'case-file-header/status-code':
      case 'case-file-header/status-date':
      case 'case-file-header/filing-date':
      case 'case-file-header/registration-date':
        this.values.set(path, text);
        break;
      case 'classifications/classification/international-code':
        this.classification.internationalCodes.push(text);
        break;
      case 'classifications/classification/us-code':
        this.classification.usCodes.push(text.trim());
        break;
      case 'classifications/classification/status-code':
        this.classification.statusCode = text.trim() || null;
        break;
      case 'classifications/classification':
        this.classifications.push(this.classification);
        this.classification = { internationalCodes: [], usCodes: [], statusCode: null };
        break;
      case 'case-file-owners/case-file-owner/party-name':
        this.owner.name = text;
        break;
      case 'case-file-owners/case-file-owner/party-type':
        this.owner.partyType = Number(text);
        break;
      case 'case-file-owners/case-file-owner/entry-number':
        this.owner.entryNumber = Number(text);
        break;
      case 'case-file-owners/case-file-owner':
        if (this.owner.name) this.owners.push({ partyType: this.owner.partyType || 0, entryNumber: this.owner.entryNumber || 0, name: this.owner.name });
        this.owner = {};
        break;
      case 'case-file-statements/case-file-statement/type-code':
        this.statement.typeCode = text.trim();
        break;
      case 'case-file-statements/case-file-statement/text':
        this.statement.text = text;
        break;
      case 'case-file-statements/case-file-statement':
        if (this.statement.typeCode && this.statement.text) this.statements.push({ typeCode: this.statement.typeCode, text: this.statement.text });
        this.statement = {};
        break;
      default:
    }
  }

  serialNumber(): string | null {
    const serial = this.values.get('serial-number')?.trim();
    return serial ? serial : null;
  }

  toRecord(): ParsedRecord {
    if (this.malformed) throw new RecordFieldError(`malformed XML: ${this.malformed}`);
    const get = (path: string): string | undefined => this.values.get(path);
    const serialNumber = serialNumberOf(get('serial-number'));
    const statusCode = statusCodeOf(get('case-file-header/status-code'));
    const live = isLiveStatus(statusCode);
    const classes = activeClassesOf(this.classifications, live);
    return {
      serialNumber,
      registrationNumber: registrationNumberOf(get('registration-number')),
      mark: textOf(get('case-file-header/mark-identification')),
      statusCode,
      live,
      statusDate: dateOf(get('case-file-header/status-date'), 'status-date'),
      filingDate: dateOf(get('case-file-header/filing-date'), 'filing-date'),
      registrationDate: dateOf(get('case-file-header/registration-date'), 'registration-date'),
      owner: latestOwner(this.owners),
      classes,
      goodsServices: goodsAndServices(this.statements, this.classifications, classes),
    };
  }
}

/**
 * The current owner: party-type codes grow with the life of the case (10 original applicant,
 * 20 owner at publication, 30 original registrant, 40+ later owners and assignees), and a
 * later entry-number of the same type was recorded later.
 */
export function latestOwner(owners: Owner[]): string | null {
  let latest: Owner | undefined;
  for (const owner of owners) {
    if (!latest || owner.partyType > latest.partyType || (owner.partyType === latest.partyType && owner.entryNumber >= latest.entryNumber)) latest = owner;
  }
  return latest ? textOf(latest.name) : null;
}

/**
 * The record's classes: the Nice classes of its classifications (validated), leaving out, for a
 * live registration, those whose class status says they were cancelled or ended (a class
 * cancelled under section 8 no longer counts). A dead record keeps the classes it had, unless
 * some are still marked active; a live one whose every class is marked inactive keeps them all
 * rather than none (the record-level status is the more reliable of the two).
 */
export function activeClassesOf(classifications: readonly Classification[], live: boolean): number[] {
  const all = niceClassesOf(classifications.flatMap((c) => c.internationalCodes));
  if (!live) return all;
  const active = niceClassesOf(classifications.filter((c) => isActiveClassStatus(c.statusCode)).flatMap((c) => c.internationalCodes));
  return active.length > 0 ? active : all;
}

/**
 * The Nice class a GSnnnx statement belongs to. nnn is the record's class for modern records,
 * but registrations from before 1973 carry their US class there (GS0441 under a record whose
 * international-code is 008 is the statement for US class 044): when nnn is not one of the
 * record's Nice classes, it is looked up among the US codes of each classification, and the
 * statement is labelled with that classification's Nice class; failing that, a record with one
 * Nice class owns it; otherwise it is labelled as the US class it is.
 */
export function statementClassOf(classCode: string, classifications: readonly Classification[]): { label: string; nice: number | null } {
  return statementClassIn(classCode, classesOfEach(classifications), classifications);
}

/** The valid Nice classes of each classification, in order (statementClassOf's reading of international-code). */
function classesOfEach(classifications: readonly Classification[]): number[][] {
  const out: number[][] = [];
  for (const c of classifications) {
    const nices: number[] = [];
    for (const code of c.internationalCodes) {
      const x = Number(code.trim());
      if (x >= 1 && x <= 45) nices.push(x);
    }
    out.push(nices);
  }
  return out;
}

/** statementClassOf with each classification's Nice classes read once (classesOfEach), for the statements of one record. */
function statementClassIn(classCode: string, nicesOf: readonly number[][], classifications: readonly Classification[]): { label: string; nice: number | null } {
  const n = Number(classCode);
  const allNice: number[] = [];
  for (const nices of nicesOf) for (const x of nices) if (!allNice.includes(x)) allNice.push(x);
  if (allNice.length === 0 || allNice.includes(n)) return { label: `Class ${n}`, nice: n };
  const at = classifications.findIndex((c, i) => nicesOf[i]!.length > 0 && c.usCodes.some((us) => Number(us) === n));
  if (at >= 0) return { label: `Class ${nicesOf[at]![0]}`, nice: nicesOf[at]![0]! };
  if (allNice.length === 1) return { label: `Class ${allNice[0]}`, nice: allNice[0]! };
  return { label: `US class ${n}`, nice: null };
}

const GOODS_STATEMENT = /^GS\d{3}/;

/**
 * GSnnnx statements, labelled with the Nice class they belong to (see statementClassOf), in class
 * order, one line each; a statement of a class that is no longer active is marked so. DM (the
 * mark description) and other statements are left out.
 */
export function goodsAndServices(statements: Statement[], classifications: readonly Classification[] = [], activeClasses?: readonly number[]): string | null {
  let nicesOf: number[][] | null = null;
  const lines: Array<{ label: string; nice: number | null; text: string }> = [];
  for (const s of statements) {
    if (!GOODS_STATEMENT.test(s.typeCode)) continue;
    const text = textOf(s.text);
    if (text === null) continue;
    nicesOf ??= classesOfEach(classifications);
    const { label, nice } = statementClassIn(s.typeCode.slice(2, 5), nicesOf, classifications);
    lines.push({ label, nice, text });
  }
  if (lines.length === 0) return null;
  if (lines.length > 1) lines.sort((a, b) => (a.nice ?? 1000) - (b.nice ?? 1000) || a.label.localeCompare(b.label));
  let out = '';
  for (let i = 0; i < lines.length; i += 1) {
    const s = lines[i]!;
    const cancelled = activeClasses !== undefined && s.nice !== null && !activeClasses.includes(s.nice);
    out += `${i > 0 ? '\n' : ''}${s.label}${cancelled ? ' (cancelled)' : ''}: ${s.text}`;
  }
  return out;
}

const PATHS = new Map<string, Map<string, string>>();

/**
 * The path of element `name` under `parent` (relative to `case-file`; '' for the case-file
 * itself): `parent/name`, the same string object every time, so that the paths of every record
 * are built once and compared by identity.
 */
function pathBelow(parent: string, name: string): string {
  let children = PATHS.get(parent);
  if (!children) PATHS.set(parent, (children = new Map()));
  let path = children.get(name);
  if (path === undefined) {
    path = parent === '' ? name : `${parent}/${name}`;
    // Bounded: a file of arbitrary element names must not grow the memo without end.
    if (PATHS.size < 4_096 && children.size < 4_096) children.set(name, path);
  }
  return path;
}

/**
 * Reads USPTO trademark case-file XML (daily or annual application files, version 2.0) as a
 * stream: one `case-file` element at a time, so memory stays flat whatever the file size.
 * Yields each case-file, in file order, either as a record or as a rejection with its reason.
 * A file cut in the middle (a broken download) ends the stream; `end()` then tells so.
 */
export class UsptoXmlParser {
  private readonly parser = new SaxesParser({ position: false });
  private readonly stack: string[] = [];
  /** For each open element inside the case-file, its path relative to `case-file` (see pathBelow). */
  private readonly paths: string[] = [];
  private caseFileDepth = -1;
  private draft: CaseFileDraft | null = null;
  private text = '';
  private positions = 0;
  private readonly ready: ParsedItem[] = [];
  private fatal: string | null = null;

  constructor() {
    this.parser.on('opentag', (tag) => {
      this.stack.push(tag.name);
      this.text = '';
      if (this.draft) {
        this.paths.push(pathBelow(this.stack.length > this.caseFileDepth + 1 ? this.paths[this.paths.length - 1]! : '', tag.name));
      } else if (tag.name === 'case-file') {
        this.positions += 1;
        this.draft = new CaseFileDraft(this.positions);
        this.caseFileDepth = this.stack.length;
      }
    });
    this.parser.on('text', (text) => {
      if (this.draft) this.text += text;
    });
    this.parser.on('cdata', (text) => {
      if (this.draft) this.text += text;
    });
    this.parser.on('closetag', () => {
      const draft = this.draft;
      if (draft && this.stack.length === this.caseFileDepth) {
        this.finish(draft);
      } else if (draft) {
        draft.collect(this.paths.pop()!, this.text);
      }
      this.stack.pop();
      this.text = '';
    });
    this.parser.on('error', (error) => {
      // Inside a case-file the error spoils that record only; outside one the file is unreadable.
      const message = error.message.split('\n')[0];
      if (this.draft) this.draft.malformed ??= message;
      else this.fatal ??= message;
    });
  }

  /** Parses the whole stream, yielding records as each case-file closes. */
  async *parse(input: Readable): AsyncGenerator<ParsedItem> {
    input.setEncoding('utf8');
    for await (const chunk of input as AsyncIterable<string>) {
      yield* this.write(chunk);
    }
  }

  /** Parses the next piece of the text; returns the items of the case-files it closed. */
  write(text: string): ParsedItem[] {
    this.parser.write(text);
    return this.ready.splice(0);
  }

  /** Counts `count` case-files that were parsed elsewhere (UsptoXmlSplitter), so that positions stay the file's. */
  skip(count: number): void {
    this.positions += count;
  }

  /** Whether the text so far ends inside a case-file element. */
  get insideCaseFile(): boolean {
    return this.draft !== null;
  }

  /** How many case-files the file has had so far (parsed here, or counted by skip). */
  get caseFiles(): number {
    return this.positions;
  }

  /** The case-file the text so far ends inside, if any: its position and serial number. */
  openCaseFile(): { position: number; serialNumber: string | null } | null {
    return this.draft ? { position: this.draft.position, serialNumber: this.draft.serialNumber() } : null;
  }

  /** After `parse` is done: closes the parser and says whether the file ended mid-record. */
  end(): SourceEnd {
    const open = this.draft;
    // close() reports unclosed elements through the error handler; the state below says it better.
    this.parser.close();
    if (open) {
      const serial = open.serialNumber();
      return {
        truncated: true,
        detail: `the file ends inside case-file #${open.position}${serial ? ` (serial ${serial})` : ''}; that record is not imported`,
      };
    }
    if (this.stack.length > 0) return { truncated: true, detail: `the file ends inside <${this.stack[this.stack.length - 1]}>` };
    if (this.fatal) return { truncated: false, detail: `malformed XML: ${this.fatal}` };
    return { truncated: false, detail: null };
  }

  private finish(draft: CaseFileDraft): void {
    this.draft = null;
    this.paths.length = 0;
    this.caseFileDepth = -1;
    try {
      this.ready.push({ kind: 'record', position: draft.position, record: draft.toRecord() });
    } catch (error) {
      if (!(error instanceof RecordFieldError)) throw error;
      this.ready.push({ kind: 'rejected', rejected: { serialNumber: draft.serialNumber(), position: draft.position, reason: error.message } });
    }
  }
}
