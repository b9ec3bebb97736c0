import { ApiProperty } from '@nestjs/swagger';
import type { Page } from '@app/common';
import type { BackupRunRecord } from '../backups.types';

/** One backup or restore drill as admins see it. */
export class BackupRunResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['backup', 'drill'] }) kind: 'backup' | 'drill';
  @ApiProperty({ enum: ['running', 'success', 'failure'] }) status: 'running' | 'success' | 'failure';
  @ApiProperty({ format: 'date-time' }) startedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'File name in BACKUP_DIR (a drill: the file it restored)' }) file: string | null;
  @ApiProperty({ type: 'integer', format: 'int64', nullable: true }) sizeBytes: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'SHA-256 of the file, hex' }) sha256: string | null;
  @ApiProperty({ description: 'pg_restore --list read the file and found every table in it' }) verified: boolean;
  @ApiProperty({ type: String, nullable: true }) verifyError: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'A drill: time to restore into the scratch database' }) restoreMs: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why the run failed' }) error: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'A backup: row counts of the main tables at backup time; a drill: those counts compared with the restored ones',
  })
  details: Record<string, unknown> | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'A drill: the backup it restored' }) backupId: string | null;

  static from(record: BackupRunRecord): BackupRunResponseDto {
    return Object.assign(new BackupRunResponseDto(), {
      ...record,
      startedAt: record.startedAt.toISOString(),
      finishedAt: record.finishedAt?.toISOString() ?? null,
    });
  }
}

export class BackupRunListResponseDto {
  @ApiProperty({ type: [BackupRunResponseDto] }) data: BackupRunResponseDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page' })
  nextCursor: string | null;

  static from(page: Page<BackupRunRecord>): BackupRunListResponseDto {
    return Object.assign(new BackupRunListResponseDto(), {
      data: page.data.map((record) => BackupRunResponseDto.from(record)),
      nextCursor: page.nextCursor,
    });
  }
}
