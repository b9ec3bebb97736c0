import { Inject } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { validateCronExpression } from 'cron';
import type { NodeEnv } from './environment';

/** What a slice's loader knows besides its own variables. */
export interface ConfigContext {
  nodeEnv: NodeEnv;
  production: boolean;
  development: boolean;
  /**
   * Problems found by the loader (cross-variable rules, values only a parser can judge). Push
   * one line per problem, starting with the variable's name (`NAME=value: ...`, or
   * `NAME=(hidden): ...` for a secret): every problem of every slice is reported in one message.
   */
  problems: string[];
}

/**
 * One lib's share of the configuration: the environment variables it reads (a class with
 * class-validator decorators, validated at boot together with every other slice) and a pure
 * loader that turns them into the typed object the lib injects (`@InjectConfig(SLICE)`).
 *
 * A lib declares its slice in `libs/<lib>/src/<lib>.config.ts` with `defineConfigSlice`, exports
 * it from its index, and the composition root (apps/composition) lists it in CONFIG_SLICES.
 */
export interface ConfigSlice<T = unknown, V extends object = object> {
  /** Unique name; also the key under which @nestjs/config's ConfigService holds the value. */
  readonly name: string;
  /** The Nest injection token of the loaded value. */
  readonly token: string;
  /** The environment variables of this slice (each property: one variable). */
  readonly variables: new () => V;
  /** Variables never echoed in a problem (shown as `(hidden)`). */
  readonly secrets: readonly string[];
  load(env: V, context: ConfigContext): T;
}

/** The typed value of a slice: `ConfigOf<typeof AUTH_CONFIG>`. */
export type ConfigOf<S> = S extends ConfigSlice<infer T, infer _V> ? T : never;

export function defineConfigSlice<T, V extends object>(definition: {
  name: string;
  variables: new () => V;
  secrets?: ReadonlyArray<keyof V & string>;
  load(env: V, context: ConfigContext): T;
}): ConfigSlice<T, V> {
  return {
    name: definition.name,
    token: `clearmark:config:${definition.name}`,
    variables: definition.variables,
    secrets: definition.secrets ?? [],
    load: definition.load,
  };
}

/** Injects the loaded value of a slice: `constructor(@InjectConfig(AUTH_CONFIG) config: AuthConfig)`. */
export function InjectConfig(slice: ConfigSlice): ParameterDecorator {
  return Inject(slice.token);
}

/** Environment strings to booleans; anything else is left for @IsBoolean to reject by name. */
function toBoolean({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
}

/** Environment strings to integers; a non-integer stays a string so @IsInt names the variable. */
function toInt({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string') return value;
  const v = value.trim();
  return /^-?\d+$/.test(v) ? Number(v) : value;
}

/** Put before `@IsBoolean()`: `true/false/1/0/yes/no/on/off`. */
export const EnvBool = (): PropertyDecorator => Transform(toBoolean);
/** Put before `@IsInt()`: decimal integers. */
export const EnvInt = (): PropertyDecorator => Transform(toInt);

/** A cron expression (five fields, or six with seconds first), evaluated in UTC; null = not scheduled. */
export type JobSchedule = string | null;

/**
 * Reads a job's schedule variable (`off` = not scheduled), pushing a problem naming it when the
 * cron parser refuses the value.
 */
export function cronSchedule(name: string, value: string | undefined, fallback: string, problems: string[]): JobSchedule {
  const v = value?.trim() ?? fallback;
  if (v.toLowerCase() === 'off') return null;
  const check = validateCronExpression(v);
  if (!check.valid) {
    problems.push(`${name}=${JSON.stringify(v)}: not a cron expression (${check.error?.message ?? 'invalid'}); use five fields, six with seconds first, or "off"`);
  }
  return v;
}
