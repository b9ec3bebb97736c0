import { Body, Controller, Get, Patch, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audit } from '@app/auditing';
import { Authenticated, CurrentUser, type Principal } from '@app/common';
import { PreferencesDto } from './dto/preferences.dto';
import { UpdateMeDto } from './dto/update-me.dto';
import { UsersService, type Preferences, type UserProfile } from './users.service';

@ApiTags('account')
@Authenticated()
@Controller({ path: 'users/me', version: '1' })
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'The signed-in account' })
  me(@CurrentUser() user: Principal): Promise<UserProfile> {
    return this.users.profile(user.userId);
  }

  @Patch()
  @Audit({ action: 'users.update-profile', entityType: 'user' })
  @ApiOperation({ summary: 'Change the display name' })
  update(@CurrentUser() user: Principal, @Body() body: UpdateMeDto): Promise<UserProfile> {
    return this.users.updateProfile(user.userId, body);
  }

  @Get('preferences')
  preferences(@CurrentUser() user: Principal): Promise<Preferences> {
    return this.users.preferences(user.userId);
  }

  @Put('preferences')
  @Audit({ action: 'users.update-preferences', entityType: 'user' })
  @ApiOperation({ summary: 'Replace the preferences (locale, IANA time zone, e-mail per notification type, default Nice classes)' })
  replacePreferences(@CurrentUser() user: Principal, @Body() body: PreferencesDto): Promise<Preferences> {
    return this.users.replacePreferences(user.userId, body);
  }
}
