import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBadGatewayResponse, ApiBadRequestResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiPaymentRequiredResponse, ApiTags } from '@nestjs/swagger';
import { Audit } from '@app/auditing';
import { Authenticated, CurrentUser, PageQueryDto, type Principal, ValidationFailedError } from '@app/common';
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
  @ApiOperation({ summary: 'Your searches this period against your plan’s quota, and when it resets' })
  @ApiOkResponse({ type: UsageResponseDto })
  async searchUsage(@CurrentUser() user: Principal): Promise<UsageResponseDto> {
    return UsageResponseDto.from(await this.usage.current(user.userId));
  }

  @Get('subscription')
  @ApiOperation({ summary: 'Your subscription: the open one, else the last one that ended' })
  @ApiOkResponse({ type: SubscriptionResponseDto })
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
  @ApiCreatedResponse({ type: SubscriptionResponseDto })
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
  @ApiOkResponse({ type: SubscriptionResponseDto })
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
  @ApiOperation({ summary: 'Cancel at the end of the period (no renewal) or now (no refund)' })
  @ApiOkResponse({ type: SubscriptionResponseDto })
  @ApiNotFoundResponse({ description: 'You have no open subscription' })
  async cancel(@CurrentUser() user: Principal, @Body() body: CancelSubscriptionDto): Promise<SubscriptionResponseDto> {
    return SubscriptionResponseDto.from(await this.subscriptions.cancel(user.userId, body.atPeriodEnd));
  }

  @Get('payments')
  @ApiOperation({ summary: 'Your payments, newest first (amounts in integer minor units)' })
  @ApiOkResponse({ type: PaymentListResponseDto })
  async list(@CurrentUser() user: Principal, @Query() query: PageQueryDto): Promise<PaymentListResponseDto> {
    return PaymentListResponseDto.from(await this.payments.list(user.userId, query.limit, query.cursor));
  }

  @Get('payments/:id')
  @ApiOperation({ summary: 'One of your payments' })
  @ApiOkResponse({ type: PaymentResponseDto })
  @ApiNotFoundResponse({ description: 'No payment of yours has this id' })
  async get(@CurrentUser() user: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<PaymentResponseDto> {
    return PaymentResponseDto.from(await this.payments.get(user.userId, id));
  }
}
