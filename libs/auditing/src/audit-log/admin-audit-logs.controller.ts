import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '@app/common';
import { AuditService } from './audit.service';
import { AuditPublicKeyResponseDto, AuditRecordListResponseDto, AuditVerificationResponseDto } from './dto/audit-log-response.dto';
import { AuditLogQueryDto } from './dto/audit-log-query.dto';

@ApiTags('admin')
@Authenticated('admin')
@Controller({ path: 'admin/audit-logs', version: '1' })
export class AdminAuditLogsController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({
    summary: 'Audit events, newest first',
    description: 'Filtered by actor, action, entity, changed field and time; cursor-paginated.',
  })
  @ApiOkResponse({ type: AuditRecordListResponseDto, description: 'A page of audit events' })
  list(@Query() query: AuditLogQueryDto): Promise<AuditRecordListResponseDto> {
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
    summary: 'Verify the audit hash chain',
    description:
      'Walks the whole chain and compares it with the latest signed checkpoint: `ok` when every event is intact and agrees with it; otherwise `reason` says what is wrong and `firstBrokenId` names the first event changed or left dangling.',
  })
  @ApiOkResponse({ type: AuditVerificationResponseDto, description: 'The verification' })
  verify(): Promise<AuditVerificationResponseDto> {
    return this.audit.verify();
  }

  @Get('public-key')
  @ApiOperation({
    summary: 'The public key of the audit checkpoints',
    description: 'The Ed25519 public key that verifies the signed checkpoints in AUDIT_DIGEST_DIR (`keyId` names it in each checkpoint).',
  })
  @ApiOkResponse({ type: AuditPublicKeyResponseDto, description: 'The key' })
  publicKey(): AuditPublicKeyResponseDto {
    return this.audit.publicKey();
  }
}
