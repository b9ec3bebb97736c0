import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, type Page } from '@app/common';
import type { AuditRecord } from './audit-log.repository';
import { AuditService, type AuditVerification } from './audit.service';
import { AuditLogQueryDto } from './dto/audit-log-query.dto';
import type { PublicKeyInfo } from './checkpoints/audit-signing';

@ApiTags('admin')
@Authenticated('admin')
@Controller({ path: 'admin/audit-logs', version: '1' })
export class AdminAuditLogsController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'Audit events, newest first, filtered by actor, action, entity, changed field and time' })
  list(@Query() query: AuditLogQueryDto): Promise<Page<AuditRecord>> {
    return this.audit.find({
      actorId: query.actorId,
      action: query.action,
      entityType: query.entityType,
      entityId: query.entityId,
      changedField: query.field,
      from: query.from,
      to: query.to,
      limit: query.limit ?? 20,
      cursor: query.cursor,
    });
  }

  @Get('verify')
  @ApiOperation({
    summary: 'Walk the hash chain and compare it with the latest signed checkpoint: {ok, checked, firstBrokenId?, reason?, checkpoint}',
  })
  verify(): Promise<AuditVerification> {
    return this.audit.verify();
  }

  @Get('public-key')
  @ApiOperation({ summary: 'The Ed25519 public key that verifies the audit checkpoints in AUDIT_DIGEST_DIR: {algorithm, keyId, publicKey}' })
  publicKey(): PublicKeyInfo {
    return this.audit.publicKey();
  }
}
