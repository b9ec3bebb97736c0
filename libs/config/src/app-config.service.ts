import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig, CoreConfig, DatabaseConfig, HttpConfig, ObservabilityConfig } from './app-config';

/**
 * Typed access to the core configuration validated at boot (see `loadConfig`). Feature settings
 * are not here: each lib injects its own slice with `@InjectConfig(<LIB>_CONFIG)`.
 */
@Injectable()
export class AppConfigService {
  private readonly config: CoreConfig;

  constructor(configService: ConfigService) {
    this.config = configService.getOrThrow<AppConfig>('app');
  }

  get env(): AppConfig['env'] {
    return this.config.env;
  }

  get seedDemoData(): boolean {
    return this.config.seedDemoData;
  }

  get isProduction(): boolean {
    return this.config.env === 'production';
  }

  get http(): HttpConfig {
    return this.config.http;
  }

  get database(): DatabaseConfig {
    return this.config.database;
  }

  get observability(): ObservabilityConfig {
    return this.config.observability;
  }
}
