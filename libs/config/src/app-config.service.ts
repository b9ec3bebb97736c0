import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type {
  AppConfig,
  AuditingConfig,
  AuthConfig,
  BackupsConfig,
  DatabaseConfig,
  HttpConfig,
  JobsConfig,
  NotificationsConfig,
  ObservabilityConfig,
} from './app-config';

/** Typed access to the configuration validated at boot (see `loadConfig`). */
@Injectable()
export class AppConfigService {
  private readonly config: AppConfig;

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

  get auth(): AuthConfig {
    return this.config.auth;
  }

  get notifications(): NotificationsConfig {
    return this.config.notifications;
  }

  get auditing(): AuditingConfig {
    return this.config.auditing;
  }

  get jobs(): JobsConfig {
    return this.config.jobs;
  }

  get backups(): BackupsConfig {
    return this.config.backups;
  }
}
