import { ApiProperty } from '@nestjs/swagger';
import { NOTIFICATION_TYPES } from './preferences.dto';

/** An account as its owner and admins see it (never the password hash or lockout counters). */
export class UserProfileResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'email', example: 'ada@example.com' }) email: string;
  @ApiProperty({ type: String, nullable: true, description: 'Display name', example: 'Ada Lovelace' }) name: string | null;
  @ApiProperty({ enum: ['user', 'admin'] }) role: 'user' | 'admin';
  @ApiProperty({ enum: ['active', 'disabled'] }) status: 'active' | 'disabled';
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastLoginAt: Date | null;
}

export class UserListResponseDto {
  @ApiProperty({ type: [UserProfileResponseDto] }) data: UserProfileResponseDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page' }) nextCursor: string | null;
}

export class PreferencesResponseDto {
  @ApiProperty({ example: 'en-GB', description: 'BCP 47 language tag' }) locale: string;
  @ApiProperty({ example: 'Europe/Paris', description: 'IANA time zone' }) timezone: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: {
      type: 'object',
      properties: { email: { type: 'boolean', description: 'Also send this type by e-mail (in-app delivery is always on)' } },
    },
    description: `E-mail switch per notification type (${NOTIFICATION_TYPES.join(', ')}; \`*\` is the default for types not listed)`,
    example: { security: { email: true }, 'trademark-watch': { email: false } },
  })
  notifications: Record<string, { email?: boolean }>;
  @ApiProperty({ type: 'array', items: { type: 'integer', minimum: 1, maximum: 45 }, example: [9, 42], description: 'Nice classes searched by default' })
  defaultClasses: number[];
}
