import type { FastifyInstance, FastifyRequest } from 'fastify';
import { keepsRawBody, type RawBodyRequest } from './raw-body';

/** Deepest nesting of arrays and objects a JSON body may have; no DTO of the API comes near it. */
export const MAX_JSON_DEPTH = 64;

/** A body nested deeper than the limit: 400 before anything recursive (parse, transform, validate) sees it. */
export class JsonTooDeepError extends Error {
  readonly statusCode = 400;
  readonly code = 'FST_ERR_CTP_JSON_TOO_DEEP';
  constructor(readonly maxDepth: number) {
    super(`The request body is nested deeper than ${maxDepth} levels`);
    this.name = 'JsonTooDeepError';
  }
}

/**
 * Whether `text` opens more than `maxDepth` nested arrays/objects, in one linear pass with
 * constant stack (brackets inside strings do not count). Malformed JSON is left to the parser.
 */
export function exceedsJsonDepth(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return false;
}

/**
 * Replaces Fastify's JSON parser with the same parser (prototype-poisoning protection included)
 * behind a depth check: a 200,000-deep array used to reach class-transformer and overflow the
 * stack (500) after blocking the event loop for over a second.
 */
export function useJsonBodyParser(fastify: FastifyInstance, maxDepth = MAX_JSON_DEPTH): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request: FastifyRequest, body: string | Buffer, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (exceedsJsonDepth(text, maxDepth)) {
      done(new JsonTooDeepError(maxDepth), undefined);
      return;
    }
    if (keepsRawBody(request)) (request as RawBodyRequest).rawBody = text;
    parse(request, text, done);
  });
}
