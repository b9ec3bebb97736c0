import { Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Audit } from '@app/auditing';
import { Authenticated, CurrentUser, ParseIdPipe, type Principal } from '@app/common';
import { RefundPaymentDto } from './dto/subscribe.dto';
import { PaymentResponseDto } from './dto/subscription-response.dto';
import { Idempotent } from './idempotency/idempotent.decorator';
import { IDEMPOTENCY_HEADER } from './idempotency/idempotency.interceptor';
import { PaymentsService } from './payments.service';

@ApiTags('admin')
@Authenticated('admin')
@Controller({ path: 'admin/billing', version: '1' })
export class AdminBillingController {
  constructor(private readonly payments: PaymentsService) {}

  @Post('payments/:id/refund')
  @HttpCode(200)
  @Idempotent()
  @Audit({ action: 'admin.billing.refund-request', entityType: 'payment', entityIdParam: 'id' })
  @ApiOperation({
    summary: 'Refund a payment in full or in part',
    description: 'Never more than what is left of it (422 naming the refundable amount); partially_refunded, then refunded. The provider call carries the Idempotency-Key.',
  })
  @ApiOkResponse({ type: PaymentResponseDto, description: 'The payment after the refund' })
  @ApiNotFoundResponse({ description: 'No such payment' })
  @ApiConflictResponse({ description: 'The payment did not succeed or is refunded already' })
  @ApiUnprocessableEntityResponse({ description: 'More than what is left to refund' })
  async refund(
    @CurrentUser() admin: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: RefundPaymentDto,
    @Headers(IDEMPOTENCY_HEADER) key?: string,
  ): Promise<PaymentResponseDto> {
    return PaymentResponseDto.from(await this.payments.refund(admin.userId, id, BigInt(body.amount), key));
  }
}
