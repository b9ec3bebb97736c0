import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule as NestConfigModule } from '@nestjs/config';
import { loadConfig } from './app-config';
import { AppConfigService } from './app-config.service';

export interface ConfigModuleOptions {
  /** The environment to validate; `process.env` by default. Tests pass their own. */
  env?: NodeJS.ProcessEnv;
}

@Global()
@Module({})
export class ConfigModule {
  static forRoot(options: ConfigModuleOptions = {}): DynamicModule {
    return {
      module: ConfigModule,
      imports: [
        NestConfigModule.forRoot({
          // .env is read by the entry points (readDotEnv) before anything validates the environment.
          ignoreEnvFile: true,
          cache: true,
          load: [() => ({ app: loadConfig(options.env ?? process.env) })],
        }),
      ],
      providers: [AppConfigService],
      exports: [AppConfigService],
    };
  }
}
