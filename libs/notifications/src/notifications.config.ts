import { IsOptional, IsString } from 'class-validator';
import { defineConfigSlice, type ConfigOf } from '@app/config';

/** The environment variables of the notifications lib. */
export class NotificationsVariables {
  @IsOptional() @IsString() SMTP_URL?: string;
  @IsOptional() @IsString() SMTP_FROM?: string;
}

/** E-mail delivery of notifications (in-app only when SMTP_URL is unset). */
export const NOTIFICATIONS_CONFIG = defineConfigSlice({
  name: 'notifications',
  variables: NotificationsVariables,
  secrets: ['SMTP_URL'],
  load: (env, { problems }) => {
    if (env.SMTP_URL && !/^smtps?:\/\//.test(env.SMTP_URL)) problems.push('SMTP_URL=(hidden): must start with smtp:// or smtps://');
    return { smtpUrl: env.SMTP_URL, from: env.SMTP_FROM ?? 'Clearmark <no-reply@clearmark.dev>' };
  },
});

export type NotificationsConfig = ConfigOf<typeof NOTIFICATIONS_CONFIG>;
