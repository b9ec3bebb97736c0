import { CopyrightContent } from './models/copyright-content.model';
import { CopyrightLog } from './models/copyright-log.model';
import { CopyrightMatch } from './models/copyright-match.model';
import { CopyrightTextFingerprintSet } from './models/copyright-text-fingerprint-set.model';
import { CopyrightTextPosting } from './models/copyright-text-posting.model';
import { CopyrightTransfer } from './models/copyright-transfer.model';
import { Copyright } from './models/copyright.model';

/** The models of the copyrights lib: registered with forFeature here, listed in ALL_MODELS at the composition root. */
export const COPYRIGHTS_MODELS = [Copyright, CopyrightLog, CopyrightTransfer, CopyrightContent, CopyrightTextFingerprintSet, CopyrightTextPosting, CopyrightMatch];
