/** One answered request as the hook captured it, waiting in the writer's buffer. */
export interface NewApiLog {
  /**
   * Given when the request is captured, so that re-sending a batch whose first attempt did commit
   * (the connection broke before the answer) inserts nothing twice.
   */
  id: string;
  /** When the request was received. */
  createdAt: Date;
  requestId: string;
  /** The authenticated caller; null when the request was not (or not yet) authenticated. */
  userId: string | null;
  method: string;
  /** The matched route template; null when no route matched (404s of unknown paths). */
  route: string | null;
  /** Path and query, secrets redacted (see redactRequestPath). */
  path: string;
  status: number;
  durationMs: number;
  /** The Content-Length of the answer; null when it was streamed without one. */
  responseBytes: number | null;
  ip: string | null;
  userAgent: string | null;
}

/** A stored request-log row (a plain object, never a model instance). */
export interface ApiLogRecord extends NewApiLog {
  id: string;
}

/** The admin query's filters; every one is served by an index of api_logs. */
export interface ApiLogFilter {
  userId?: string;
  method?: string;
  status?: number;
  route?: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
}

export interface ApiLogListQuery extends ApiLogFilter {
  /** 1 to 100; 20 when absent. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

/** One monthly partition of api_logs: rows with from <= created_at < to. */
export interface ApiLogPartition {
  name: string;
  from: Date;
  to: Date;
}
