import { BackupRun } from './models/backup-run.model';

/** The models of the backups lib: registered with forFeature here, listed in ALL_MODELS at the composition root. */
export const BACKUPS_MODELS = [BackupRun];
