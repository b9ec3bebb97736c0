import { applyDecorators } from '@nestjs/common';
import { ArrayMaxSize, IsArray, IsInt, Max, Min } from 'class-validator';

/** The Nice classification has 45 classes: 1 to 34 goods, 35 to 45 services. */
export const NICE_CLASS_COUNT = 45;

/**
 * A list of Nice class numbers: an array of at most 45 integers, each from 1 to 45. Callers add
 * `@ArrayUnique()` where a repeated class is an error rather than something to fold.
 */
export function IsNiceClasses(): PropertyDecorator {
  return applyDecorators(
    IsArray(),
    ArrayMaxSize(NICE_CLASS_COUNT),
    IsInt({ each: true }),
    Min(1, { each: true }),
    Max(NICE_CLASS_COUNT, { each: true }),
  );
}
