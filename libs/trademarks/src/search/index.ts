import { TrademarkLog } from './models/trademark-log.model';
import { TrademarkSearch } from './models/trademark-search.model';
import { TrademarkSearchController } from './trademark-search.controller';
import { TrademarkSearchRepository } from './trademark-search.repository';
import { TrademarkSearchService } from './trademark-search.service';
import { SearchEvents } from './search-events';

export * from './normalize';
export * from './scoring.util';
export * from './class-relations.util';
export * from './search.types';
export { TrademarkSearchService } from './trademark-search.service';
export { SearchEvents, type CompletedSearch, type SearchListener } from './search-events';
export { TrademarkSearchController } from './trademark-search.controller';
export { TrademarkSearchRepository, candidateSql, containmentWords } from './trademark-search.repository';
export { TrademarkSearch } from './models/trademark-search.model';
export { TrademarkLog } from './models/trademark-log.model';

/** What the trademarks module registers for the search: providers, controllers, models (forFeature). */
export const searchProviders = [TrademarkSearchRepository, TrademarkSearchService, SearchEvents];
export const searchControllers = [TrademarkSearchController];
export const searchModels = [TrademarkSearch, TrademarkLog];
