import { Controller, Get, Param } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentUser, type Principal } from '@app/common';
import { NiceClassResponseDto, TrademarkRecordResponseDto } from './dto/trademark-record-response.dto';
import { NiceClassification } from './nice-classes';
import { TrademarkRecordsService } from './trademark-records.service';

@ApiTags('trademarks')
@Authenticated()
@Controller({ path: 'trademarks', version: '1' })
export class RegistryController {
  constructor(
    private readonly nice: NiceClassification,
    private readonly records: TrademarkRecordsService,
  ) {}

  @Get('classes')
  @ApiOperation({ summary: 'The 45 Nice classes', description: 'The Nice classification, 12th edition (2024): classes 1 to 34 are goods, 35 to 45 services.' })
  @ApiOkResponse({ type: [NiceClassResponseDto], description: 'The classes, in order' })
  classes(): NiceClassResponseDto[] {
    return this.nice.list();
  }

  @Get('records/:serialNumber')
  @ApiOperation({ summary: 'One registry record', description: 'A trademark registry record by its 8-digit serial number, with its goods and services.' })
  @ApiOkResponse({ type: TrademarkRecordResponseDto, description: 'The record' })
  @ApiBadRequestResponse({ description: 'The serial number is not 8 digits' })
  @ApiNotFoundResponse({ description: 'No record has this serial number' })
  async record(@CurrentUser() user: Principal, @Param('serialNumber') serialNumber: string): Promise<TrademarkRecordResponseDto> {
    return TrademarkRecordResponseDto.from(await this.records.getBySerialNumber(serialNumber, user.userId));
  }
}
