import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { defineConfigSlice, EnvInt, type ConfigOf } from '@app/config';

/** The environment variables of the users lib. */
export class UsersVariables {
  @IsOptional() @EnvInt() @IsInt() @Min(4) @Max(15) BCRYPT_COST?: number;
  @IsOptional() @EnvInt() @IsInt() @Min(1) LOCKOUT_THRESHOLD?: number;
  @IsOptional() @EnvInt() @IsInt() @Min(1) LOCKOUT_MAX_MINUTES?: number;
}

/** Passwords and lockout. */
export const USERS_CONFIG = defineConfigSlice({
  name: 'users',
  variables: UsersVariables,
  load: (env, { nodeEnv }) => ({
    /** bcrypt work factor: 12 in production, 10 in development, 4 in tests. */
    bcryptCost: env.BCRYPT_COST ?? (nodeEnv === 'production' ? 12 : nodeEnv === 'test' ? 4 : 10),
    lockout: { threshold: env.LOCKOUT_THRESHOLD ?? 5, maxMinutes: env.LOCKOUT_MAX_MINUTES ?? 60 },
  }),
});

export type UsersConfig = ConfigOf<typeof USERS_CONFIG>;
