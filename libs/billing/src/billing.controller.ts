import { Controller, Get, Header, Param, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Authenticated, CurrentUser, PageQueryDto, type Principal, ParseIdPipe } from '@app/common';
import { BillingService } from './billing.service';
import { InvoiceListResponseDto, InvoiceResponseDto, PlanListResponseDto, PlanResponseDto } from './dto/billing-response.dto';

@ApiTags('billing')
@Authenticated()
@Controller({ path: 'billing', version: '1' })
export class BillingController {
  constructor(private readonly billing: BillingService) {}

  @Get('plans')
  @ApiOperation({ summary: 'The plans one can subscribe to', description: 'Cheapest first; amounts are integer minor units (1900 = 19.00 USD).' })
  @ApiOkResponse({ type: PlanListResponseDto, description: 'The plans' })
  async plans(): Promise<PlanListResponseDto> {
    const plans = await this.billing.listPlans();
    return { data: plans.map((plan) => PlanResponseDto.from(plan)) };
  }

  @Get('invoices')
  @ApiOperation({ summary: 'Your invoices, newest first', description: 'Cursor-paginated: pass `nextCursor` as `cursor` for the next page.' })
  @ApiOkResponse({ type: InvoiceListResponseDto, description: 'A page of invoices' })
  async invoices(@CurrentUser() user: Principal, @Query() query: PageQueryDto): Promise<InvoiceListResponseDto> {
    return InvoiceListResponseDto.from(await this.billing.listInvoices(user.userId, query.limit, query.cursor));
  }

  @Get('invoices/:id')
  @ApiOperation({ summary: 'One of your invoices', description: 'The invoice with its lines, tax and totals (integer minor units).' })
  @ApiOkResponse({ type: InvoiceResponseDto, description: 'The invoice' })
  @ApiNotFoundResponse({ description: 'No invoice of yours has this id' })
  async invoice(@CurrentUser() user: Principal, @Param('id', ParseIdPipe) id: string): Promise<InvoiceResponseDto> {
    return InvoiceResponseDto.from(await this.billing.getInvoice(user.userId, id));
  }

  @Get('invoices/:id/pdf')
  @Header('cache-control', 'private, no-store')
  @ApiOperation({ summary: 'One of your invoices as a PDF', description: 'Seller, buyer, number, dates, lines, tax and totals, as application/pdf.' })
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'The invoice PDF', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } })
  @ApiNotFoundResponse({ description: 'No invoice of yours has this id' })
  async invoicePdf(
    @CurrentUser() user: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const { number, pdf } = await this.billing.invoicePdf(user.userId, id);
    reply.header('content-type', 'application/pdf');
    reply.header('content-disposition', `inline; filename="${number}.pdf"`);
    return new StreamableFile(pdf);
  }
}
