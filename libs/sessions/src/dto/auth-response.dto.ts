import { ApiProperty } from '@nestjs/swagger';
import { UserProfileResponseDto } from '@app/users';

/** New tokens: from register, login and refresh. */
export class TokensResponseDto {
  @ApiProperty({ description: 'JWT to send as `Authorization: Bearer <accessToken>`' }) accessToken: string;
  @ApiProperty({ description: 'Opaque; exchange it once at POST /v1/auth/refresh for new tokens' }) refreshToken: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType: 'Bearer';
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Seconds until the access token expires', example: 900 }) expiresIn: number;
  @ApiProperty({ format: 'uuid', description: 'The session these tokens belong to' }) sessionId: string;
}

/** Tokens and the account they sign in. */
export class SignedInResponseDto extends TokensResponseDto {
  @ApiProperty({ type: UserProfileResponseDto }) user: UserProfileResponseDto;
}

export class SessionResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: String, format: 'date-time', description: 'Last refresh or use of the session' }) lastActivityAt: Date;
  @ApiProperty({ type: String, nullable: true, description: 'Address the session was opened from' }) ip: string | null;
  @ApiProperty({ type: String, nullable: true }) userAgent: string | null;
  @ApiProperty({ description: 'The session making this request' }) current: boolean;
}

export class SessionListResponseDto {
  @ApiProperty({ type: [SessionResponseDto] }) data: SessionResponseDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page' }) nextCursor: string | null;
}
