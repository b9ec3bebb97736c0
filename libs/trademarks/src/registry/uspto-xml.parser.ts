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

/** What one case-file element has collected so far; paths are relative to `case-file`. */
class CaseFileDraft {
  readonly values = new Map<string, string>();
  readonly internationalCodes: string[] = [];
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
        this.internationalCodes.push(text);
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
    return {
      serialNumber,
      registrationNumber: registrationNumberOf(get('registration-number')),
      mark: textOf(get('case-file-header/mark-identification')),
      statusCode,
      live: isLiveStatus(statusCode),
      statusDate: dateOf(get('case-file-header/status-date'), 'status-date'),
      filingDate: dateOf(get('case-file-header/filing-date'), 'filing-date'),
      registrationDate: dateOf(get('case-file-header/registration-date'), 'registration-date'),
      owner: latestOwner(this.owners),
      classes: niceClassesOf(this.internationalCodes),
      goodsServices: goodsAndServices(this.statements),
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

/** GSnnnx statements (nnn: the Nice class), in class order, one line each; DM (description) and others left out. */
export function goodsAndServices(statements: Statement[]): string | null {
  const lines = statements
    .filter((s) => /^GS\d{3}/.test(s.typeCode))
    .map((s) => ({ classCode: s.typeCode.slice(2, 5), text: textOf(s.text) }))
    .filter((s): s is { classCode: string; text: string } => s.text !== null)
    .sort((a, b) => a.classCode.localeCompare(b.classCode))
    .map((s) => `Class ${Number(s.classCode)}: ${s.text}`);
  return lines.length > 0 ? lines.join('\n') : null;
}

/**
 * Reads USPTO trademark case-file XML (daily or annual application files, version 2.0) as a
 * stream: one `case-file` element at a time, so memory stays flat whatever the file size.
 * Yields each case-file, in file order, either as a record or as a rejection with its reason.
 * A file cut in the middle (a broken download) ends the stream; `end()` then tells so.
 */
export class UsptoXmlParser {
  private readonly parser = new SaxesParser({ position: true });
  private readonly stack: string[] = [];
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
      if (tag.name === 'case-file' && !this.draft) {
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
        draft.collect(this.stack.slice(this.caseFileDepth).join('/'), this.text);
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
      this.parser.write(chunk);
      yield* this.ready.splice(0);
    }
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
    this.caseFileDepth = -1;
    try {
      this.ready.push({ kind: 'record', position: draft.position, record: draft.toRecord() });
    } catch (error) {
      if (!(error instanceof RecordFieldError)) throw error;
      this.ready.push({ kind: 'rejected', rejected: { serialNumber: draft.serialNumber(), position: draft.position, reason: error.message } });
    }
  }
}
