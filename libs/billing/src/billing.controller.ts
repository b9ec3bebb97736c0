import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentUser, PageQueryDto, type Principal } from '@app/common';
import { BillingService } from './billing.service';
import { InvoiceListResponseDto, InvoiceResponseDto, PlanListResponseDto, PlanResponseDto } from './dto/billing-response.dto';

@ApiTags('billing')
@Authenticated()
@Controller({ path: 'billing', version: '1' })
export class BillingController {
  constructor(private readonly billing: BillingService) {}

  @Get('plans')
  @ApiOperation({ summary: 'The plans one can subscribe to, cheapest first (amounts in integer minor units)' })
  @ApiOkResponse({ type: PlanListResponseDto })
  async plans(): Promise<PlanListResponseDto> {
    const plans = await this.billing.listPlans();
    return { data: plans.map((plan) => PlanResponseDto.from(plan)) };
  }

  @Get('invoices')
  @ApiOperation({ summary: 'Your invoices, newest first' })
  @ApiOkResponse({ type: InvoiceListResponseDto })
  async invoices(@CurrentUser() user: Principal, @Query() query: PageQueryDto): Promise<InvoiceListResponseDto> {
    return InvoiceListResponseDto.from(await this.billing.listInvoices(user.userId, query.limit, query.cursor));
  }

  @Get('invoices/:id')
  @ApiOperation({ summary: 'One of your invoices with its lines and totals' })
  @ApiOkResponse({ type: InvoiceResponseDto })
  @ApiNotFoundResponse({ description: 'No invoice of yours has this id' })
  async invoice(@CurrentUser() user: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<InvoiceResponseDto> {
    return InvoiceResponseDto.from(await this.billing.getInvoice(user.userId, id));
  }
}
