import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RoundRobinProxy {
  url: string;
  /** Requests that failed on one upstream before any answer and were sent to the next. */
  retries: number;
  /** Which upstream answered each request, in order (index into `upstreams`). */
  answeredBy: number[];
  close(): Promise<void>;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/**
 * A small load balancer on loopback, as nginx's `proxy_next_upstream error`: each request goes to
 * the next upstream in turn; when that upstream fails before answering anything (refused, reset,
 * killed), a request that is safe to repeat (an idempotent method, or one carrying an
 * Idempotency-Key) is sent to the next one, up to once per upstream. Others get 502.
 */
export async function startRoundRobinProxy(upstreams: string[]): Promise<RoundRobinProxy> {
  let next = 0;
  const state = { retries: 0, answeredBy: [] as number[] };

  const forward = (index: number, method: string, path: string, headers: IncomingHttpHeaders, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const target = new URL(upstreams[index] as string);
      const req = request(
        { host: target.hostname, port: Number(target.port), method, path, headers: { ...headers, host: target.host, connection: 'close' } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (c: Buffer) => chunks.push(c));
    incoming.on('end', () => {
      void (async () => {
        const method = incoming.method ?? 'GET';
        const retryable = IDEMPOTENT.has(method) || incoming.headers['idempotency-key'] !== undefined;
        const first = next++ % upstreams.length;
        for (let attempt = 0; attempt < upstreams.length; attempt++) {
          const index = (first + attempt) % upstreams.length;
          try {
            const answer = await forward(index, method, incoming.url ?? '/', incoming.headers, Buffer.concat(chunks));
            state.answeredBy.push(index);
            const headers = { ...answer.headers };
            delete headers['transfer-encoding'];
            delete headers.connection;
            outgoing.writeHead(answer.status, headers).end(answer.body);
            return;
          } catch {
            if (!retryable) break;
            if (attempt < upstreams.length - 1) state.retries++;
          }
        }
        outgoing.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway');
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get retries() {
      return state.retries;
    },
    answeredBy: state.answeredBy,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
