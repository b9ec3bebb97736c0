import { Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Audit } from '@app/auditing';
import { KeepRawBody, RawBody } from '@app/common';
import { WebhooksService } from './webhooks.service';

export class WebhookReceiptDto {
  @ApiProperty({ enum: [true] }) received: true;
  @ApiProperty({ description: 'The event was processed before: nothing was done again' }) duplicate: boolean;
  @ApiProperty({ example: 'payment 3f1c... succeeded', description: 'What processing did, or what it waits for' }) outcome: string;
}

/** Provider events. No bearer token: the signature over the raw body is the authentication. */
@ApiTags('billing')
@Controller({ path: 'billing/webhooks', version: '1' })
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post(':provider')
  @HttpCode(200)
  @KeepRawBody()
  @Audit({ skip: true })
  @ApiOperation({
    summary: 'A payment provider event (sandbox or stripe), verified by its Stripe-Signature header',
    description: 'Each event id is processed once; a redelivery answers 200 with duplicate: true.',
  })
  @ApiHeader({ name: 'Stripe-Signature', required: true, description: '`t=<unix time>,v1=<HMAC-SHA256 of "t.body">` (several v1 values allowed)' })
  @ApiOkResponse({ type: WebhookReceiptDto, description: 'Received (processed now, before, or waiting for its payment)' })
  @ApiBadRequestResponse({ description: 'Missing or wrong signature, a timestamp older than 300 s, or not an event' })
  @ApiNotFoundResponse({ description: 'No webhook endpoint for this provider' })
  async receive(@Param('provider') provider: string, @RawBody() rawBody: string, @Headers('stripe-signature') signature?: string): Promise<WebhookReceiptDto> {
    return this.webhooks.receive(provider, rawBody, signature);
  }
}
