import { Body, Controller, Get, Patch, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audit } from '@app/auditing';
import { Authenticated, CurrentUser, type Principal } from '@app/common';
import { PreferencesDto, UpdatePreferencesDto } from './dto/preferences.dto';
import { UpdateMeDto } from './dto/update-me.dto';
import { PreferencesResponseDto, UserProfileResponseDto } from './dto/user-response.dto';
import { UsersService } from './users.service';

@ApiTags('account')
@Authenticated()
@Controller({ path: 'users/me', version: '1' })
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'The signed-in account', description: 'The profile of the account the access token belongs to.' })
  @ApiOkResponse({ type: UserProfileResponseDto, description: 'The profile' })
  me(@CurrentUser() user: Principal): Promise<UserProfileResponseDto> {
    return this.users.profile(user.userId);
  }

  @Patch()
  @Audit({ action: 'users.update-profile', entityType: 'user' })
  @ApiOperation({
    summary: 'Change the display name',
    description: 'Partial update: fields left out are unchanged; `name: null` (or blank) clears the name. Answers the updated profile.',
  })
  @ApiOkResponse({ type: UserProfileResponseDto, description: 'The updated profile' })
  update(@CurrentUser() user: Principal, @Body() body: UpdateMeDto): Promise<UserProfileResponseDto> {
    return this.users.updateProfile(user.userId, body);
  }

  @Get('preferences')
  @ApiOperation({ summary: 'Your preferences', description: 'Locale, IANA time zone, e-mail switch per notification type and default Nice classes.' })
  @ApiOkResponse({ type: PreferencesResponseDto, description: 'The preferences' })
  preferences(@CurrentUser() user: Principal): Promise<PreferencesResponseDto> {
    return this.users.preferences(user.userId);
  }

  @Patch('preferences')
  @Audit({ action: 'users.update-preferences', entityType: 'user' })
  @ApiOperation({
    summary: 'Change some preferences',
    description: 'Partial update: send only the fields to change (each replaced whole, `notifications` included); the others are kept. Answers all the preferences.',
  })
  @ApiOkResponse({ type: PreferencesResponseDto, description: 'The stored preferences' })
  updatePreferences(@CurrentUser() user: Principal, @Body() body: UpdatePreferencesDto): Promise<PreferencesResponseDto> {
    return this.users.updatePreferences(user.userId, body);
  }

  @Put('preferences')
  @Audit({ action: 'users.update-preferences', entityType: 'user' })
  @ApiOperation({
    summary: 'Replace the preferences',
    description: 'Replaces all of them at once: every field is required (locale, IANA time zone, e-mail per notification type, default Nice classes).',
  })
  @ApiOkResponse({ type: PreferencesResponseDto, description: 'The stored preferences' })
  replacePreferences(@CurrentUser() user: Principal, @Body() body: PreferencesDto): Promise<PreferencesResponseDto> {
    return this.users.replacePreferences(user.userId, body);
  }
}
