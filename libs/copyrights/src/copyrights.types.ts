import type { CopyrightStatus } from './copyright-lifecycle';
import type { ProtectionTerm, TermAuthor } from './protection-term.util';

export const WORK_TYPES = ['literary', 'musical', 'visual', 'software', 'audiovisual', 'sound-recording', 'architectural', 'dramatic'] as const;
export type WorkType = (typeof WORK_TYPES)[number];

export interface CopyrightAuthor extends TermAuthor {
  citizenship?: string | null;
}

/** A stored work as the repository hands it out. */
export interface CopyrightRecord {
  id: string;
  userId: string;
  title: string;
  workType: WorkType;
  authors: CopyrightAuthor[];
  creationDate: string;
  publicationDate: string | null;
  description: string | null;
  status: CopyrightStatus;
  registrationNumber: string | null;
  registrationDate: string | null;
  decisionReason: string | null;
  metadata: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

/** What the API answers for a work. */
export interface CopyrightView extends Omit<CopyrightRecord, 'userId'> {
  protection: ProtectionTerm;
}

export interface CopyrightLogRecord {
  id: string;
  copyrightId: string;
  actorId: string | null;
  action: string;
  fromStatus: CopyrightStatus | null;
  toStatus: CopyrightStatus | null;
  changedFields: string[];
  createdAt: Date;
}

export interface CopyrightListFilter {
  status?: CopyrightStatus;
  workType?: WorkType;
  q?: string;
  author?: string;
  createdFrom?: string;
  createdTo?: string;
  /** jsonb containment (`metadata @> filter`), served by the GIN index. */
  metadata?: Record<string, unknown>;
}
