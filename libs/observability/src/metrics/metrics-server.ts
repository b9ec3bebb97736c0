import { createServer, type Server } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { register } from 'prom-client';

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

export interface MetricsServerOptions {
  host: string;
  port: number;
  token?: string;
  /**
   * Readiness for `GET /health/ready`: null when ready, otherwise what is wrong (answered 503).
   * Without it the server has no health routes.
   */
  readiness?: () => Promise<string | null>;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `GET /metrics` on a port of its own, for processes without an HTTP app (the worker, which
 * runs the jobs and so owns their metrics). Same registry and the same METRICS_TOKEN rule as
 * the api's /metrics. With `readiness`, also `GET /health/live` (the process answers) and
 * `GET /health/ready` (200, or 503 naming the problem, e.g. a lost database); nothing else.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    void (async () => {
      const path = (request.url ?? '').split('?')[0];
      if (request.method === 'GET' && options.readiness && (path === '/health/live' || path === '/health/ready')) {
        const problem = path === '/health/ready' ? await options.readiness().catch((error: Error) => error.message || 'readiness check failed') : null;
        response
          .writeHead(problem ? 503 : 200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
          .end(JSON.stringify(problem ? { status: 'error', problem } : { status: 'ok' }));
        return;
      }
      if (request.method !== 'GET' || path !== '/metrics') {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found\n');
        return;
      }
      if (options.token) {
        const given = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
        if (!sameSecret(given, options.token)) {
          response.writeHead(401, { 'content-type': 'text/plain' }).end('A valid metrics bearer token is required\n');
          return;
        }
      }
      try {
        const body = await register.metrics();
        response.writeHead(200, { 'content-type': register.contentType }).end(body);
      } catch {
        response.writeHead(500, { 'content-type': 'text/plain' }).end('Metrics could not be collected\n');
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Prometheus keeps its connection open between scrapes.
        server.closeAllConnections();
      }),
  };
}
