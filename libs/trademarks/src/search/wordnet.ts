// WordNet lives in the common lib, shared with the Nice-class recommender.
export { closeSynonyms, isKnownWord, wordnetDictPath } from '@app/common/language/wordnet';
