import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audit } from '@app/auditing';
import { Authenticated, CurrentUser, PageQueryDto, type Page, type Principal } from '@app/common';
import { AdminUpdateUserDto } from './dto/admin-update-user.dto';
import { UsersService, type UserProfile } from './users.service';

@ApiTags('admin')
@Authenticated('admin')
@Controller({ path: 'admin/users', version: '1' })
export class AdminUsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'All accounts, newest first' })
  list(@Query() query: PageQueryDto): Promise<Page<UserProfile>> {
    return this.users.list(query.limit ?? 20, query.cursor);
  }

  @Patch(':id')
  @Audit({ action: 'admin.users.update', entityType: 'user', entityIdParam: 'id' })
  @ApiOperation({ summary: "Change an account's role or status; disabling ends all of its sessions" })
  async update(
    @CurrentUser() admin: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: AdminUpdateUserDto,
  ): Promise<UserProfile> {
    const { after } = await this.users.adminUpdate(admin.userId, id, body);
    return after;
  }
}
