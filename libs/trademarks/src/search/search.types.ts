export type RiskLevel = 'high' | 'medium' | 'low' | 'none';
export type StatusFilter = 'live' | 'dead' | 'all';

export const REASON_KINDS = [
  'identical',
  'looks-alike',
  'sounds-alike',
  'shared-word',
  'means-the-same',
  'initials',
  'contains',
  'same-class',
  'related-class',
  'unrelated-class',
  'dead-record',
] as const;
export type ReasonKind = (typeof REASON_KINDS)[number];

export interface SearchReason {
  kind: ReasonKind;
  detail: string;
}

/** The registry fields a result shows. */
export interface RecordSummary {
  serialNumber: string;
  registrationNumber: string | null;
  mark: string | null;
  status: string | null;
  live: boolean;
  classes: number[];
  owner: string | null;
  filingDate: string | null;
}

/** A candidate as the candidate query returns it. */
export interface Candidate {
  record: RecordSummary;
  normalizedMark: string;
  phoneticKeys: string[];
  /** pg_trgm similarity(normalized_mark, query), 0..1. */
  trigram: number;
  /** The record's stored analysis (encodeAnalysis, from trademark_mark_analyses) when it has one of the current version. */
  analysis?: string | null;
}

export interface ScoredResult {
  record: RecordSummary;
  score: number;
  risk: RiskLevel;
  reasons: SearchReason[];
}

export interface SearchInput {
  mark: string;
  classes?: number[];
  status?: StatusFilter;
  limit?: number;
  /** Also return results below the `low` band (risk `none`). */
  includeNone?: boolean;
}

export interface SearchOutcome {
  id: string;
  query: string;
  normalizedQuery: string;
  classes: number[];
  status: StatusFilter;
  risk: RiskLevel;
  tookMs: number;
  resultCount: number;
  results: ScoredResult[];
  createdAt: Date;
}

export interface SearchHistoryItem {
  id: string;
  query: string;
  classes: number[];
  status: StatusFilter;
  risk: RiskLevel;
  resultCount: number;
  tookMs: number;
  createdAt: Date;
}
