import { DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import { ConfigModule as NestConfigModule } from '@nestjs/config';
import { loadConfig, type AppConfig } from './app-config';
import { AppConfigService } from './app-config.service';
import type { ConfigSlice } from './config-slice';

export interface ConfigModuleOptions {
  /** The environment to validate; `process.env` by default. Tests pass their own. */
  env?: NodeJS.ProcessEnv;
  /**
   * Every feature lib's config slice: the composition root's CONFIG_SLICES. All are validated
   * together (one message names every bad variable) and each is injectable by its token.
   */
  slices?: readonly ConfigSlice[];
}

const LOADED_CONFIG = 'clearmark:config:loaded';

/** Global, as Nest's configuration is: every lib injects its own slice without importing this. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(options: ConfigModuleOptions = {}): DynamicModule {
    const slices = options.slices ?? [];
    let loaded: AppConfig | undefined;
    const load = (): AppConfig => (loaded ??= loadConfig(options.env ?? process.env, slices));
    const sliceProviders: Provider[] = slices.map((slice) => ({
      provide: slice.token,
      useFactory: (config: AppConfig) => config.slices[slice.name],
      inject: [LOADED_CONFIG],
    }));
    return {
      module: ConfigModule,
      imports: [
        NestConfigModule.forRoot({
          // .env is read by the entry points (readDotEnv) before anything validates the environment.
          ignoreEnvFile: true,
          cache: true,
          load: [
            () => {
              const config = load();
              return { app: config, ...config.slices };
            },
          ],
        }),
      ],
      providers: [{ provide: LOADED_CONFIG, useFactory: load }, ...sliceProviders, AppConfigService],
      exports: [AppConfigService, ...slices.map((s) => s.token)],
    };
  }
}
