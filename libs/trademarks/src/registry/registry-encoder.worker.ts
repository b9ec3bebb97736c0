import { encodeBatch, encodeSegment, type EncodedBatch, type EncodedSegment, type SourcedRecord } from './staging-batch';
import type { CaseFileSegment } from './uspto-xml.splitter';

/** A worker thread's task: a batch of parsed records, or a segment of case-file XML to parse first. */
export type EncoderTask = { records: SourcedRecord[] } | { segment: CaseFileSegment; source: string };

/** A worker thread's task (Piscina), analyzed and encoded for COPY. */
export default function encode(task: EncoderTask): EncodedBatch | EncodedSegment {
  return 'records' in task ? encodeBatch(task.records) : encodeSegment(task.segment, task.source);
}
