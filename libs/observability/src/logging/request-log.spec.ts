import Fastify from 'fastify';
import pino from 'pino';
import { Writable } from 'node:stream';
import { RequestContext } from '../context/request-context';
import { pinoOptions } from './pino-options';
import { logRequests } from './request-log';

function capture(level: 'info' | 'warn' = 'info') {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      raw.push(chunk.toString());
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      callback();
    },
  });
  const logger = pino(pinoOptions({ logLevel: level, logPretty: false } as Parameters<typeof pinoOptions>[0]), stream);
  return { logger, lines, raw };
}

describe('request log', () => {
  it('writes one line per request with id, method, path, route, status, duration and user, never headers or the query', async () => {
    const { logger, lines, raw } = capture();
    const app = Fastify({ genReqId: () => 'req-1' });
    logRequests(app, logger);
    app.get('/v1/things/:id', async (request) => {
      (request as unknown as { principal: { userId: string } }).principal = { userId: 'user-7' };
      return { ok: true };
    });
    await app.inject({ url: '/v1/things/42?token=secret-token', headers: { authorization: 'Bearer secret-bearer', cookie: 'sid=secret-cookie' } });
    await app.inject({ url: '/health/live' });
    await app.inject({ url: '/nope' });
    await app.close();

    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      requestId: 'req-1',
      req: { id: 'req-1', method: 'GET', path: '/v1/things/42', route: '/v1/things/:id' },
      res: { statusCode: 200 },
      userId: 'user-7',
    });
    expect(typeof lines[0].responseTime).toBe('number');
    expect(lines[1]).toMatchObject({ req: { path: '/nope', route: null }, res: { statusCode: 404 } });
    expect(lines[1]).not.toHaveProperty('userId');
    expect(raw.join('')).not.toMatch(/secret/);
  });

  it('logs a 5xx at error level, and nothing below the configured level', async () => {
    const { logger, lines } = capture('warn');
    const app = Fastify();
    logRequests(app, logger);
    app.get('/ok', async () => ({ ok: true }));
    app.get('/boom', async () => {
      throw new Error('boom');
    });
    await app.inject({ url: '/ok' });
    await app.inject({ url: '/boom' });
    await app.close();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, res: { statusCode: 500 }, req: { path: '/boom' } });
  });

  it('stamps lines written during a request with its id, and redacts secrets', () => {
    const { logger, lines } = capture();
    RequestContext.run({ requestId: 'ctx-1', ip: null, userAgent: null, audit: {} }, () =>
      logger.info({ tokens: { accessToken: 'a' }, req: { headers: { authorization: 'Bearer b' } } }, 'inside'),
    );
    logger.info('outside');
    expect(lines[0]).toMatchObject({ requestId: 'ctx-1', tokens: { accessToken: '[redacted]' }, req: { headers: { authorization: '[redacted]' } } });
    expect(lines[1]).not.toHaveProperty('requestId');
  });
});
