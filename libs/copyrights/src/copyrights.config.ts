import { plainToInstance } from 'class-transformer';
import { IsOptional, IsString, validateSync } from 'class-validator';
import { validateCronExpression } from 'cron';
import { ConfigValidationError } from '@app/config';

/** The environment variables the copyrights lib reads (README, configuration table). */
export class CopyrightsEnvironment {
  /** Schedule of `copyright-transfers-expiry` (cron, UTC) or `off`. */
  @IsOptional() @IsString() JOB_COPYRIGHT_TRANSFERS_CRON?: string;
}

export interface CopyrightsConfig {
  /** Cron expression of the transfer expiry job; null = not scheduled. */
  transferExpirySchedule: string | null;
}

export const COPYRIGHTS_CONFIG = Symbol('COPYRIGHTS_CONFIG');
export const DEFAULT_TRANSFER_EXPIRY_CRON = '23 * * * *';

/** Validates the lib's variables; throws ConfigValidationError naming each bad one. */
export function loadCopyrightsConfig(env: NodeJS.ProcessEnv): CopyrightsConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = plainToInstance(CopyrightsEnvironment, present);
  const problems = validateSync(parsed).map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join(', ')}`);
  const value = parsed.JOB_COPYRIGHT_TRANSFERS_CRON?.trim() ?? DEFAULT_TRANSFER_EXPIRY_CRON;
  let transferExpirySchedule: string | null = value;
  if (value.toLowerCase() === 'off') transferExpirySchedule = null;
  else if (!validateCronExpression(value).valid) problems.push(`JOB_COPYRIGHT_TRANSFERS_CRON=${JSON.stringify(value)}: not a cron expression; use five fields, six with seconds first, or "off"`);
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return { transferExpirySchedule };
}
