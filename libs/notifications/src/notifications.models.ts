import { Notification } from './models/notification.model';

/** The models of the notifications lib: registered with forFeature here, listed in ALL_MODELS at the composition root. */
export const NOTIFICATIONS_MODELS = [Notification];
