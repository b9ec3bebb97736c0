import { TrademarkLog } from './models/trademark-log.model';
import { TrademarkSearch } from './models/trademark-search.model';
import { TrademarkSearchController } from './trademark-search.controller';
import { TrademarkSearchRepository } from './trademark-search.repository';
import { TrademarkSearchService } from './trademark-search.service';

export * from './normalize';
export * from './scoring.util';
export * from './class-relations.util';
export * from './search.types';
export { TrademarkSearchService } from './trademark-search.service';
export { TrademarkSearchController } from './trademark-search.controller';
export { TrademarkSearchRepository, candidateSql, containmentWords } from './trademark-search.repository';
export { TrademarkSearch } from './models/trademark-search.model';
export { TrademarkLog } from './models/trademark-log.model';

/** What the trademarks module registers for the search: providers, controllers, models (forFeature). */
export const searchProviders = [TrademarkSearchRepository, TrademarkSearchService];
export const searchControllers = [TrademarkSearchController];
export const searchModels = [TrademarkSearch, TrademarkLog];
