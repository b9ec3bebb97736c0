import type { ModelCtor } from 'sequelize-typescript';
// By path, not through the libs' index files: those import @app/database themselves.
import { ApiLog } from '../../auditing/src/api-log/models/api-log.model';
import { AuditLog } from '../../auditing/src/audit-log/models/audit-log.model';
import { CopyrightLog } from '../../copyrights/src/models/copyright-log.model';
import { Copyright } from '../../copyrights/src/models/copyright.model';
import { CopyrightTransfer } from '../../copyrights/src/models/copyright-transfer.model';
import { BackupRun } from '../../backups/src/models/backup-run.model';
import { JobRun } from '../../jobs/src/models/job-run.model';
import { TrademarkWatch } from '../../trademarks/src/watches/models/trademark-watch.model';
import { TrademarkWatchHit } from '../../trademarks/src/watches/models/trademark-watch-hit.model';
import { Notification } from '../../notifications/src/models/notification.model';
import { Session } from '../../sessions/src/models/session.model';
import { TrademarkRecord } from '../../trademarks/src/registry/models/trademark-record.model';
import { TrademarkLog } from '../../trademarks/src/search/models/trademark-log.model';
import { TrademarkSearch } from '../../trademarks/src/search/models/trademark-search.model';
import { User } from '../../users/src/models/user.model';
import { UserPreference } from '../../users/src/models/user-preference.model';

/**
 * Every model of every feature lib, in one list: the app, the tests and the schema-drift check
 * all register exactly these. A feature adds its models here when it adds their migration.
 */
export const ALL_MODELS: ModelCtor[] = [User, UserPreference, Session, Notification, AuditLog, ApiLog, JobRun, BackupRun, TrademarkRecord, TrademarkSearch, TrademarkLog, TrademarkWatch, TrademarkWatchHit, Copyright, CopyrightLog, CopyrightTransfer];
