// autocannon ships no type declarations; this covers the part of its programmatic API the
// benchmarks use (https://github.com/mcollina/autocannon#api).
declare module 'autocannon' {
  namespace autocannon {
    interface Options {
      url: string;
      connections?: number;
      /** Seconds. */
      duration?: number;
      pipelining?: number;
      /** Seconds before a request counts as a timeout. */
      timeout?: number;
      method?: string;
      headers?: Record<string, string>;
      title?: string;
      /** Request body of every request (when `requests` is not given). */
      body?: string | Buffer;
      /** Each client sends these in turn, over and over; fields left out come from the options. */
      requests?: Request[];
      /** Called with every client (one per connection) before it starts. */
      setupClient?: (client: Client) => void;
    }

    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
    }

    interface Client {
      /** Replaces the requests this client sends in turn (only with pipelining 1). */
      setRequests(requests: Request[]): void;
      /** `durationMs` is the response time with sub-millisecond resolution. */
      on(event: 'response', listener: (statusCode: number, bytes: number, durationMs: number, rate: number) => void): this;
    }

    /** Percentiles as autocannon names them (p2_5 = 2.5th, p97_5 = 97.5th, ...). */
    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      total: number;
      p1: number;
      p2_5: number;
      p50: number;
      p90: number;
      p97_5: number;
      p99: number;
      p99_9: number;
    }

    interface Result {
      url: string;
      connections: number;
      /** Seconds actually run. */
      duration: number;
      start: Date;
      finish: Date;
      errors: number;
      timeouts: number;
      mismatches: number;
      non2xx: number;
      resets: number;
      '1xx': number;
      '2xx': number;
      '3xx': number;
      '4xx': number;
      '5xx': number;
      statusCodeStats: Record<string, { count: number }>;
      /** Milliseconds, 2xx responses only. */
      latency: Histogram;
      /** Requests per one-second sample; `total` is all completed requests. */
      requests: Histogram & { sent: number };
      /** Bytes per one-second sample. */
      throughput: Histogram;
    }
  }

  function autocannon(options: autocannon.Options): Promise<autocannon.Result>;

  export = autocannon;
}
