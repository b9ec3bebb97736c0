import { encodeBatch, type EncodedBatch, type SourcedRecord } from './staging-batch';

/** A worker thread's task (Piscina): one batch of parsed records, analyzed and encoded for COPY. */
export default function encode(records: SourcedRecord[]): EncodedBatch {
  return encodeBatch(records);
}
