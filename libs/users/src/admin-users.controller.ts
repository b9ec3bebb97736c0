import { Body, Controller, Get, Param, Patch, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audit } from '@app/auditing';
import { Authenticated, CurrentUser, PageQueryDto, type Principal, ParseIdPipe } from '@app/common';
import { AdminUpdateUserDto } from './dto/admin-update-user.dto';
import { UserListResponseDto, UserProfileResponseDto } from './dto/user-response.dto';
import { UsersService } from './users.service';

@ApiTags('admin')
@Authenticated('admin')
@Controller({ path: 'admin/users', version: '1' })
export class AdminUsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'All accounts, newest first', description: 'Cursor-paginated: pass `nextCursor` as `cursor` for the next page.' })
  @ApiOkResponse({ type: UserListResponseDto, description: 'A page of accounts' })
  list(@Query() query: PageQueryDto): Promise<UserListResponseDto> {
    return this.users.list(query.limit ?? 20, query.cursor);
  }

  @Patch(':id')
  @Audit({ action: 'admin.users.update', entityType: 'user', entityIdParam: 'id' })
  @ApiOperation({
    summary: "Change an account's role or status",
    description: 'Partial update of `role` and `status`; disabling an account ends all of its sessions. Answers the account after the change.',
  })
  @ApiOkResponse({ type: UserProfileResponseDto, description: 'The account after the change' })
  async update(
    @CurrentUser() admin: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: AdminUpdateUserDto,
  ): Promise<UserProfileResponseDto> {
    const { after } = await this.users.adminUpdate(admin.userId, id, body);
    return after;
  }
}
