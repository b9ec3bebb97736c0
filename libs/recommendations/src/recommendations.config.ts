import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { defineConfigSlice, EnvBool, EnvInt, type ConfigOf } from '@app/config';

/** The environment variables of the recommendations lib. */
export class RecommendationsVariables {
  @IsOptional() @EnvBool() @IsBoolean() RECOMMENDATIONS_ADVICE_ENABLED?: boolean;
  @IsOptional() @EnvInt() @IsInt() @Min(0) @Max(5) RECOMMENDATIONS_MAX_ALTERNATIVES?: number;
  @IsOptional() @EnvInt() @IsInt() @Min(0) @Max(1000) RECOMMENDATIONS_ADVICE_QUEUE?: number;
}

export const RECOMMENDATIONS_CONFIG = defineConfigSlice({
  name: 'recommendations',
  variables: RecommendationsVariables,
  load: (env) => ({
    /** Clearance advice after each search (risk summary, classes, watch offer, alternatives). */
    adviceEnabled: env.RECOMMENDATIONS_ADVICE_ENABLED ?? true,
    /** Alternatives offered after a medium or high risk search (0 turns them off). */
    maxAlternatives: env.RECOMMENDATIONS_MAX_ALTERNATIVES ?? 5,
    /**
     * Searches whose alternatives may wait for the one lane that searches them; past that, a
     * search's advice is stored without alternatives (optional work is shed first under load).
     */
    adviceQueue: env.RECOMMENDATIONS_ADVICE_QUEUE ?? 20,
  }),
});

export type RecommendationsConfig = ConfigOf<typeof RECOMMENDATIONS_CONFIG>;
