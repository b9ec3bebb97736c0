import { IsNiceClasses } from '@app/common';
import { ApiProperty, PartialType } from '@nestjs/swagger';
import { ArrayUnique, IsObject, Matches, registerDecorator, type ValidationOptions } from 'class-validator';

const TIME_ZONES = new Set(Intl.supportedValuesOf('timeZone').concat(['UTC', 'Etc/UTC']));

/** An IANA time zone name that this runtime knows (e.g. Europe/Paris). */
function IsIanaTimeZone(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isIanaTimeZone',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: 'must be an IANA time zone such as Europe/Paris', ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && TIME_ZONES.has(value) },
    });
}

export const NOTIFICATION_TYPES = ['*', 'security', 'trademark-watch', 'copyright', 'billing'] as const;

/** Per-type channel switches; in-app delivery is always on. */
function IsNotificationSettings(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isNotificationSettings',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `must map notification types (${NOTIFICATION_TYPES.join(', ')}) to { "email": boolean }`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.entries(value).every(
            ([type, setting]) =>
              (NOTIFICATION_TYPES as readonly string[]).includes(type) &&
              typeof setting === 'object' &&
              setting !== null &&
              Object.keys(setting).every((k) => k === 'email') &&
              typeof (setting as { email?: unknown }).email === 'boolean',
          ),
      },
    });
}

export class PreferencesDto {
  @ApiProperty({ example: 'en-GB', description: 'BCP 47 language tag' })
  @Matches(/^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|\d{3}))?$/, { message: 'must be a language tag such as en or en-GB' })
  locale: string;

  @ApiProperty({ example: 'Europe/Paris', description: 'IANA time zone' })
  @IsIanaTimeZone()
  timezone: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'object', required: ['email'], properties: { email: { type: 'boolean' } }, additionalProperties: false },
    description: `E-mail switch per notification type (${NOTIFICATION_TYPES.join(', ')}; \`*\` is the default for types not listed)`,
    example: { security: { email: true }, 'trademark-watch': { email: false } },
  })
  @IsObject()
  @IsNotificationSettings()
  notifications: Record<string, { email: boolean }>;

  @ApiProperty({ type: 'array', items: { type: 'integer', minimum: 1, maximum: 45 }, example: [9, 42], description: 'Nice classes searched by default (1 to 45)' })
  @IsNiceClasses()
  @ArrayUnique({ message: 'must not repeat a class' })
  defaultClasses: number[];
}

/**
 * `PATCH /v1/users/me/preferences`: any subset of the fields, each validated as in the full
 * document; a field left out is unchanged, `null` is refused (no preference can be unset).
 */
export class UpdatePreferencesDto extends PartialType(PreferencesDto, { skipNullProperties: false }) {}
