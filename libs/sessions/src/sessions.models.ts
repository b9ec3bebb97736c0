import { Session } from './models/session.model';

/** The models of the sessions lib: registered with forFeature here, listed in ALL_MODELS at the composition root. */
export const SESSIONS_MODELS = [Session];
