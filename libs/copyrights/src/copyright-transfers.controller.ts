import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audit } from '@app/auditing';
import { Authenticated, Created, CurrentUser, PageQueryDto, ParseIdPipe, type Principal } from '@app/common';
import { CopyrightTransfersService } from './copyright-transfers.service';
import { CreateTransferDto, TransferListResponseDto, TransferResponseDto } from './dto/transfer.dto';

const NOT_FOUND = 'No transfer the caller sent or received has this id';
const NOT_PENDING = 'The transfer is no longer pending (problem+json with currentStatus)';

@ApiTags('copyrights')
@Authenticated()
@Controller({ path: 'copyrights', version: '1' })
export class CopyrightTransfersController {
  constructor(private readonly transfers: CopyrightTransfersService) {}

  @Post(':id/transfer')
  @Audit({ action: 'copyrights.transfer-request', entityType: 'copyright', entityIdParam: 'id' })
  @ApiOperation({
    summary: 'Offer the work to another address (pending for 14 days)',
    description: 'Offers ownership of a work to an e-mail address; the offer stays pending for 14 days, then expires. Location names the transfer.',
  })
  @Created({ type: TransferResponseDto, description: 'The pending transfer', location: '/v1/copyrights/transfers/{id}' })
  @ApiBadRequestResponse({ description: 'Invalid address, or the caller’s own' })
  @ApiNotFoundResponse({ description: 'No work of the caller has this id' })
  @ApiConflictResponse({ description: 'The work already has a pending transfer' })
  offer(@CurrentUser() user: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: CreateTransferDto): Promise<TransferResponseDto> {
    return this.transfers.offer(user.userId, id, body.toEmail);
  }

  @Get('transfers')
  @ApiOperation({
    summary: 'Transfers the caller sent or that are addressed to their e-mail, newest first',
    description: 'Outgoing and incoming transfers (`direction`), newest first; cursor-paginated.',
  })
  @ApiOkResponse({ type: TransferListResponseDto })
  list(@CurrentUser() user: Principal, @Query() query: PageQueryDto): Promise<TransferListResponseDto> {
    return this.transfers.list(user.userId, query.limit ?? 20, query.cursor);
  }

  @Post('transfers/:id/accept')
  @HttpCode(200)
  @Audit({ action: 'copyrights.transfer-accept-request', entityType: 'copyright_transfer', entityIdParam: 'id' })
  @ApiOperation({
    summary: 'The recipient takes ownership of the work',
    description: 'Only the recipient of a pending transfer may accept it; the work becomes theirs.',
  })
  @ApiOkResponse({ type: TransferResponseDto })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  @ApiConflictResponse({ description: NOT_PENDING })
  accept(@CurrentUser() user: Principal, @Param('id', ParseIdPipe) id: string): Promise<TransferResponseDto> {
    return this.transfers.accept(user.userId, id);
  }

  @Post('transfers/:id/decline')
  @HttpCode(200)
  @Audit({ action: 'copyrights.transfer-decline-request', entityType: 'copyright_transfer', entityIdParam: 'id' })
  @ApiOperation({
    summary: 'The recipient declines the transfer',
    description: 'Only the recipient of a pending transfer may decline it; the work stays with its owner.',
  })
  @ApiOkResponse({ type: TransferResponseDto })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  @ApiConflictResponse({ description: NOT_PENDING })
  decline(@CurrentUser() user: Principal, @Param('id', ParseIdPipe) id: string): Promise<TransferResponseDto> {
    return this.transfers.decline(user.userId, id);
  }

  @Post('transfers/:id/cancel')
  @HttpCode(200)
  @Audit({ action: 'copyrights.transfer-cancel-request', entityType: 'copyright_transfer', entityIdParam: 'id' })
  @ApiOperation({
    summary: 'The owner withdraws a pending offer',
    description: 'Only the sender of a pending transfer may cancel it.',
  })
  @ApiOkResponse({ type: TransferResponseDto })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  @ApiConflictResponse({ description: NOT_PENDING })
  cancel(@CurrentUser() user: Principal, @Param('id', ParseIdPipe) id: string): Promise<TransferResponseDto> {
    return this.transfers.cancel(user.userId, id);
  }
}
