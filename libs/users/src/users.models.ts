import { User } from './models/user.model';
import { UserPreference } from './models/user-preference.model';

/** The models of the users lib: registered with forFeature here, listed in ALL_MODELS at the composition root. */
export const USERS_MODELS = [User, UserPreference];
