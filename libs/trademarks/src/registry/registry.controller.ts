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
  @ApiOperation({ summary: 'The 45 Nice classes (12th edition, 2024)' })
  @ApiOkResponse({ type: [NiceClassResponseDto] })
  classes(): NiceClassResponseDto[] {
    return this.nice.list();
  }

  @Get('records/:serialNumber')
  @ApiOperation({ summary: 'One registry record, with its goods and services' })
  @ApiOkResponse({ type: TrademarkRecordResponseDto })
  @ApiBadRequestResponse({ description: 'The serial number is not 8 digits' })
  @ApiNotFoundResponse({ description: 'No record has this serial number' })
  async record(@CurrentUser() user: Principal, @Param('serialNumber') serialNumber: string): Promise<TrademarkRecordResponseDto> {
    return TrademarkRecordResponseDto.from(await this.records.getBySerialNumber(serialNumber, user.userId));
  }
}
