import { type ArgumentsHost, Catch, Controller, type ExceptionFilter, Get, Module } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { APP_GUARD } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { SkipThrottle, Throttle, ThrottlerModule } from '@nestjs/throttler';
import { FixedWindowThrottlerStorage } from './fixed-window-throttler.storage';
import { RateLimitedException, RateLimitGuard } from './rate-limit.guard';

@Controller('limits')
class LimitsController {
  @Get('plain')
  plain() {
    return { ok: true };
  }

  @Get('tight')
  @Throttle({ default: { limit: 1, ttl: 60_000 } })
  tight() {
    return { ok: true };
  }

  @Get('dynamic')
  @Throttle({ default: { limit: () => Promise.resolve(2), ttl: 60_000 } })
  dynamic() {
    return { ok: true };
  }

  @Get('free')
  @SkipThrottle()
  free() {
    return { ok: true };
  }

  @Get('strict')
  strict() {
    return { ok: true };
  }

  @Get('shared-a')
  sharedA() {
    return { ok: true };
  }

  @Get('shared-b')
  sharedB() {
    return { ok: true };
  }
}

@Module({
  imports: [
    ThrottlerModule.forRoot({
      storage: new FixedWindowThrottlerStorage(),
      throttlers: [
        { name: 'default', ttl: 60_000, limit: 3 },
        // Only /limits/strict, like the app's auth throttler.
        { name: 'strict', ttl: 60_000, limit: 1, skipIf: (context) => context.getHandler().name !== 'strict' },
        // One budget across the shared-* routes, like the app's auth throttler across /v1/auth/*.
        {
          name: 'pool',
          ttl: 60_000,
          limit: 2,
          skipIf: (context) => !context.getHandler().name.startsWith('shared'),
          generateKey: (_context, tracker, name) => `${name}-${tracker}`,
        },
      ],
    }),
  ],
  controllers: [LimitsController],
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }],
})
class LimitsModule {}

/** What the app's problem filter does with the guard's exception, in small. */
@Catch(RateLimitedException)
class RetryAfterFilter implements ExceptionFilter {
  catch(exception: RateLimitedException, host: ArgumentsHost): void {
    void host.switchToHttp().getResponse<FastifyReply>().status(429).send({ retryAfter: exception.retryAfterS });
  }
}

describe('RateLimitGuard', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [LimitsModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    app.useGlobalFilters(new RetryAfterFilter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app?.close();
  });

  const hit = async (path: string, n: number) => {
    const answers = [];
    for (let i = 0; i < n; i++) answers.push(await app.inject({ method: 'GET', url: `/limits/${path}` }));
    return answers;
  };

  it('limits by the module default, with the rate-limit headers, then 429 with Retry-After', async () => {
    const answers = await hit('plain', 4);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 429]);
    expect(answers[0]?.headers).toMatchObject({ 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': '2', 'x-ratelimit-reset': '60' });
    expect(Number(answers[3]?.headers['retry-after'])).toBeGreaterThan(0);
    // The exception says how long to wait: the rest of the window, in whole seconds.
    expect(answers[3]?.json()).toEqual({ retryAfter: 60 });
  });

  it('applies a route override, static or computed per request, per route', async () => {
    expect((await hit('tight', 2)).map((a) => a.statusCode)).toEqual([200, 429]);
    const dynamic = await hit('dynamic', 3);
    expect(dynamic.map((a) => a.statusCode)).toEqual([200, 200, 429]);
    expect(dynamic[0]?.headers['x-ratelimit-limit']).toBe('2');
  });

  it('skips routes marked @SkipThrottle() and throttlers whose skipIf says so', async () => {
    expect((await hit('free', 5)).map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200]);
    const strict = await hit('strict', 2);
    expect(strict.map((a) => a.statusCode)).toEqual([200, 429]);
    expect(strict[0]?.headers).toMatchObject({ 'x-ratelimit-limit': '3', 'x-ratelimit-limit-strict': '1', 'x-ratelimit-remaining-strict': '0' });
  });

  it('shares one budget across routes when a throttler keys by client only', async () => {
    const answers = [...(await hit('shared-a', 1)), ...(await hit('shared-b', 1)), ...(await hit('shared-a', 1)), ...(await hit('shared-b', 1))];
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 429, 429]);
    expect(answers[1]?.headers).toMatchObject({ 'x-ratelimit-limit-pool': '2', 'x-ratelimit-remaining-pool': '0' });
  });
});
