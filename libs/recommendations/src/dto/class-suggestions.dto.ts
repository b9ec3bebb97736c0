import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** The longest description accepted (characters; about 10 kB of text). */
export const MAX_DESCRIPTION_LENGTH = 10_000;

/** `POST /v1/recommendations/classes` */
export class SuggestClassesDto {
  @ApiProperty({ example: 'we roast coffee and run two cafés', maxLength: MAX_DESCRIPTION_LENGTH, description: 'The goods and services in plain words' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_DESCRIPTION_LENGTH)
  description: string;
}

export class ClassSuggestionDto {
  @ApiProperty({ format: 'uuid', description: 'The stored suggestion: accept or dismiss it with /v1/recommendations/{id}/accept|dismiss' })
  id: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 45, example: 30 })
  class: number;

  @ApiProperty({ example: 'Coffee, tea, cocoa and substitutes therefor; ...' })
  heading: string;

  @ApiProperty({ minimum: 0, maximum: 1, example: 0.83, description: 'Calibrated probability that the class is one the description belongs in' })
  confidence: number;

  @ApiProperty({ type: [String], example: ['coffee'], description: 'The official terms of the class that matched best' })
  matchedTerms: string[];

  @ApiProperty({ example: 'The description matches the official class 30 terms "coffee" through the words "coffee".' })
  why: string;
}

export class ClassSuggestionsResponseDto {
  @ApiProperty({ type: [ClassSuggestionDto], description: 'Best first; at most 5' })
  suggestions: ClassSuggestionDto[];

  @ApiProperty({ example: 'ncl12-2024.e22223a0b249', description: 'Version of the trained model (hash of its artifact)' })
  modelVersion: string;
}
