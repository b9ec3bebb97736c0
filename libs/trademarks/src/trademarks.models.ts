import { TrademarkMarkAnalysis } from './registry/models/trademark-mark-analysis.model';
import { TrademarkRecord } from './registry/models/trademark-record.model';
import { TrademarkLog } from './search/models/trademark-log.model';
import { TrademarkSearch } from './search/models/trademark-search.model';
import { TrademarkWatch } from './watches/models/trademark-watch.model';
import { TrademarkWatchHit } from './watches/models/trademark-watch-hit.model';

/** The models of the trademarks lib: registered with forFeature here, listed in ALL_MODELS at the composition root. */
export const TRADEMARKS_MODELS = [TrademarkRecord, TrademarkMarkAnalysis, TrademarkSearch, TrademarkLog, TrademarkWatch, TrademarkWatchHit];
