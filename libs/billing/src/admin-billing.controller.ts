import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Audit } from '@app/auditing';
import { Authenticated, CurrentUser, ParseIdPipe, type Principal, ValidationFailedError } from '@app/common';
import { BillingService } from './billing.service';
import { AdminPlanListResponseDto, AdminPlanResponseDto } from './dto/billing-response.dto';
import { RefundPaymentDto, UpdatePlanDto } from './dto/subscribe.dto';
import { PaymentResponseDto } from './dto/subscription-response.dto';
import { Idempotent } from './idempotency/idempotent.decorator';
import { IDEMPOTENCY_HEADER } from './idempotency/idempotency.interceptor';
import { PaymentsService } from './payments.service';

@ApiTags('admin')
@Authenticated('admin')
@Controller({ path: 'admin/billing', version: '1' })
export class AdminBillingController {
  constructor(
    private readonly payments: PaymentsService,
    private readonly billing: BillingService,
  ) {}

  @Get('plans')
  @ApiOperation({ summary: 'Every plan, retired ones too', description: 'Cheapest first; amounts are integer minor units.' })
  @ApiOkResponse({ type: AdminPlanListResponseDto, description: 'The plans' })
  async plans(): Promise<AdminPlanListResponseDto> {
    return { data: (await this.billing.listAllPlans()).map((plan) => AdminPlanResponseDto.fromPlan(plan)) };
  }

  @Patch('plans/:code')
  @Idempotent()
  @Audit({ action: 'admin.billing.plan-update-request', entityType: 'plan', entityIdParam: 'code' })
  @ApiOperation({
    summary: 'Change a plan: name, search quota, trial days, retired or not',
    description: 'The price and currency are fixed (subscribers were promised them). Trial days apply to new subscriptions (one trial per user); a quota applies to current subscribers at once.',
  })
  @ApiOkResponse({ type: AdminPlanResponseDto, description: 'The plan after the change' })
  @ApiBadRequestResponse({ description: 'No field given, a value out of range, or trial days on the free plan' })
  @ApiNotFoundResponse({ description: 'No plan has this code' })
  async updatePlan(@CurrentUser() admin: Principal, @Param('code') code: string, @Body() body: UpdatePlanDto): Promise<AdminPlanResponseDto> {
    if (!/^[a-z0-9_-]{1,50}$/.test(code)) throw new ValidationFailedError([{ field: 'code', message: 'must be a plan code (lowercase letters, digits, _ and -)' }]);
    const changes = Object.fromEntries(Object.entries({ name: body.name, searchQuota: body.searchQuota, trialDays: body.trialDays, active: body.active }).filter(([, v]) => v !== undefined));
    if (Object.keys(changes).length === 0) throw new ValidationFailedError([{ field: 'name', message: 'or searchQuota, trialDays or active is required' }]);
    return AdminPlanResponseDto.fromPlan(await this.billing.updatePlan(admin.userId, code, changes));
  }

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
