import { Controller, Get, Headers, Res, UnauthorizedException, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import { timingSafeEqual } from 'node:crypto';
import { AppConfigService } from '@app/config';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `GET /metrics` in the Prometheus text format; bearer METRICS_TOKEN when one is configured. */
@ApiExcludeController()
@SkipThrottle()
@Controller({ path: 'metrics', version: VERSION_NEUTRAL })
export class MetricsController extends PrometheusController {
  constructor(private readonly config: AppConfigService) {
    super();
  }

  @Get()
  override async index(@Res({ passthrough: true }) response: unknown, @Headers('authorization') authorization?: string): Promise<string> {
    const token = this.config.observability.metricsToken;
    if (token) {
      const given = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1] ?? '';
      if (!sameSecret(given, token)) throw new UnauthorizedException('A valid metrics bearer token is required');
    }
    return super.index(response);
  }
}
