import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBadGatewayResponse, ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiPaymentRequiredResponse, ApiTags } from '@nestjs/swagger';
import { Audit } from '@app/auditing';
import { Authenticated, Created, CurrentUser, PageQueryDto, ParseIdPipe, type Principal, ValidationFailedError } from '@app/common';
import { CancelSubscriptionDto, ChangeSubscriptionDto, SubscribeDto } from './dto/subscribe.dto';
import { PaymentListResponseDto, PaymentResponseDto, SubscriptionResponseDto, UsageResponseDto } from './dto/subscription-response.dto';
import { Idempotent } from './idempotency/idempotent.decorator';
import { IDEMPOTENCY_HEADER } from './idempotency/idempotency.interceptor';
import { PaymentsService } from './payments.service';
import { SubscriptionsService } from './subscriptions.service';
import { UsageService } from './usage/usage.service';

@ApiTags('billing')
@Authenticated()
@Controller({ path: 'billing', version: '1' })
export class SubscriptionsController {
  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly payments: PaymentsService,
    private readonly usage: UsageService,
  ) {}

  @Get('usage')
  @ApiOperation({
    summary: 'Your searches this period against your plan’s quota',
    description: 'The period is your live subscription’s, else the calendar month (UTC) on the free plan; `periodEnd` is when the quota resets.',
  })
  @ApiOkResponse({ type: UsageResponseDto, description: 'Searches used and the quota' })
  async searchUsage(@CurrentUser() user: Principal): Promise<UsageResponseDto> {
    return UsageResponseDto.from(await this.usage.current(user.userId));
  }

  @Get('subscription')
  @ApiOperation({ summary: 'Your subscription', description: 'The open one, else the last one that ended; 404 when you never subscribed (the free plan).' })
  @ApiOkResponse({ type: SubscriptionResponseDto, description: 'The subscription' })
  @ApiNotFoundResponse({ description: 'You never subscribed (you are on the free plan)' })
  async current(@CurrentUser() user: Principal): Promise<SubscriptionResponseDto> {
    return SubscriptionResponseDto.from(await this.subscriptions.current(user.userId));
  }

  @Post('subscription')
  @Idempotent()
  @Audit({ action: 'billing.subscription.create-request', entityType: 'subscription' })
  @ApiOperation({
    summary: 'Subscribe to a paid plan: the first invoice is issued and charged at once',
    description: 'Paid -> `active`. Declined -> `incomplete` with `failureCode`/`failureMessage` (201 all the same: the subscription exists, unpaid, and expires after 23 h).',
  })
  @Created({ type: SubscriptionResponseDto, description: 'The subscription: active, or incomplete with the decline reason', location: '/v1/billing/subscription' })
  @ApiBadRequestResponse({ description: 'Unknown or free plan, malformed token or Idempotency-Key' })
  @ApiBadGatewayResponse({ description: 'The payment provider did not answer; retry with the same Idempotency-Key' })
  async subscribe(@CurrentUser() user: Principal, @Body() body: SubscribeDto, @Headers(IDEMPOTENCY_HEADER) key?: string): Promise<SubscriptionResponseDto> {
    return SubscriptionResponseDto.from(await this.subscriptions.subscribe(user.userId, body, key));
  }

  @Patch('subscription')
  @Idempotent()
  @Audit({ action: 'billing.subscription.update-request', entityType: 'subscription' })
  @ApiOperation({
    summary: 'Change the plan (upgrade now, prorated by the second on one invoice; downgrade at period end) and/or the payment method',
    description: 'A new paymentToken pays an unpaid invoice at once. An upgrade whose charge is declined answers 402 and changes nothing.',
  })
  @ApiOkResponse({ type: SubscriptionResponseDto, description: 'The subscription after the change' })
  @ApiBadRequestResponse({ description: 'Unknown or free plan, malformed token, or neither field given' })
  @ApiNotFoundResponse({ description: 'You have no open subscription' })
  @ApiPaymentRequiredResponse({ description: 'The upgrade charge was declined; nothing changed' })
  @ApiBadGatewayResponse({ description: 'The payment provider did not answer; retry with the same Idempotency-Key' })
  async change(@CurrentUser() user: Principal, @Body() body: ChangeSubscriptionDto, @Headers(IDEMPOTENCY_HEADER) key?: string): Promise<SubscriptionResponseDto> {
    if (!body.planCode && !body.paymentToken) throw new ValidationFailedError([{ field: 'planCode', message: 'or paymentToken is required' }]);
    return SubscriptionResponseDto.from(await this.subscriptions.change(user.userId, body, key));
  }

  @Post('subscription/cancel')
  @HttpCode(200)
  @Idempotent()
  @Audit({ action: 'billing.subscription.cancel-request', entityType: 'subscription' })
  @ApiOperation({
    summary: 'Cancel your subscription',
    description: '`atPeriodEnd: true`: it keeps its plan until the end of the period and does not renew. `false`: it ends now (no refund) and an unpaid invoice is voided.',
  })
  @ApiOkResponse({ type: SubscriptionResponseDto, description: 'The subscription after the cancellation' })
  @ApiNotFoundResponse({ description: 'You have no open subscription' })
  async cancel(@CurrentUser() user: Principal, @Body() body: CancelSubscriptionDto, @Headers(IDEMPOTENCY_HEADER) key?: string): Promise<SubscriptionResponseDto> {
    return SubscriptionResponseDto.from(await this.subscriptions.cancel(user.userId, body.atPeriodEnd, key));
  }

  @Get('payments')
  @ApiOperation({ summary: 'Your payments, newest first', description: 'Amounts in integer minor units; cursor-paginated (pass `nextCursor` as `cursor`).' })
  @ApiOkResponse({ type: PaymentListResponseDto, description: 'A page of payments' })
  async list(@CurrentUser() user: Principal, @Query() query: PageQueryDto): Promise<PaymentListResponseDto> {
    return PaymentListResponseDto.from(await this.payments.list(user.userId, query.limit, query.cursor));
  }

  @Get('payments/:id')
  @ApiOperation({ summary: 'One of your payments', description: 'Its amount, refunds, status, invoice and, when it failed, why.' })
  @ApiOkResponse({ type: PaymentResponseDto, description: 'The payment' })
  @ApiNotFoundResponse({ description: 'No payment of yours has this id' })
  async get(@CurrentUser() user: Principal, @Param('id', ParseIdPipe) id: string): Promise<PaymentResponseDto> {
    return PaymentResponseDto.from(await this.payments.get(user.userId, id));
  }
}
