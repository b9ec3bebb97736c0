/** A registry record as parsed from a source file, before it is stored. */
export interface ParsedRecord {
  serialNumber: string;
  registrationNumber: string | null;
  mark: string | null;
  statusCode: string | null;
  live: boolean;
  /** YYYY-MM-DD */
  statusDate: string | null;
  filingDate: string | null;
  registrationDate: string | null;
  owner: string | null;
  /** Nice classes, 1..45, ascending, distinct. */
  classes: number[];
  goodsServices: string | null;
}

/** A record as the importer stores it: parsed fields plus the search keys and the source. */
export interface StagedRecord extends ParsedRecord {
  normalizedMark: string | null;
  phoneticKeys: string[];
  /** Look-alike keys of the mark (search/analyzer lookalikeKeys), else null. */
  lookalikeKeys: string[] | null;
  /** The mark's analysis in its stored form (search/analyzer encodeAnalysis), null without a mark. */
  analysis: string | null;
  source: string;
}

/** A stored registry record. */
export interface TrademarkRecordView extends ParsedRecord {
  id: string;
  normalizedMark: string | null;
  phoneticKeys: string[];
  source: string;
  importedAt: Date;
  updatedAt: Date;
}

/** A record the importer skipped: where it was, and why. */
export interface RejectedRecord {
  /** The serial number when the record has one. */
  serialNumber: string | null;
  /** 1-based position of the record in the file (case-file number, or CSV data row). */
  position: number;
  /** In a zip archive: the XML file the record is in. */
  entry?: string;
  reason: string;
}

/** One item a source parser yields: a good record or a rejected one, in file order. */
export type ParsedItem =
  | { kind: 'record'; position: number; record: ParsedRecord }
  | { kind: 'rejected'; rejected: RejectedRecord };

export type RegistryFormat = 'xml' | 'csv' | 'zip';

export interface ImportProgress {
  records: number;
  rejected: number;
  bytesRead: number;
  totalBytes: number;
  elapsedMs: number;
}

export interface ImportSummary {
  file: string;
  format: RegistryFormat;
  /** Good records read from the file. */
  read: number;
  inserted: number;
  updated: number;
  /** Good records already stored as they are (or older than what is stored). */
  unchanged: number;
  /** How many records were skipped. */
  rejectedCount: number;
  /** The skipped records, the first REJECTED_KEPT of them (each is also reported as it happens). */
  rejected: RejectedRecord[];
  /** The file ended in the middle of a record (a cut download); what came before is imported. */
  truncated: boolean;
  /** What is wrong with the file as a whole (where it was cut, or XML broken outside any record). */
  fileProblem: string | null;
  durationMs: number;
}
