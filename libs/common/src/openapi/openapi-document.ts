import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { OperationObject, PathItemObject, ResponseObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { PROBLEM_MEDIA_TYPE } from '../problem/problem-details';

export const API_TITLE = 'Clearmark API';

/** Every tag an operation may carry, with what it groups (Spectral refuses undeclared tags). */
export const API_TAGS: ReadonlyArray<{ name: string; description: string }> = [
  { name: 'auth', description: 'Registration, sign-in, token refresh and sign-out. Access tokens are JWTs sent as `Authorization: Bearer`.' },
  { name: 'account', description: 'The signed-in account: profile, preferences and sessions.' },
  { name: 'trademarks', description: 'Clearance searches against the trademark registry, registry records, Nice classes and watches.' },
  { name: 'copyrights', description: 'Copyright works: their lifecycle (draft, submitted, registered...), terms of protection, history and transfers.' },
  { name: 'notifications', description: 'In-app notifications (watch hits, transfers, security events).' },
  { name: 'recommendations', description: 'Nice class suggestions and other recommendations, accepted or dismissed by the user.' },
  { name: 'billing', description: 'Plans and invoices (amounts in integer minor units).' },
  { name: 'admin', description: 'Operator endpoints: accounts, audit and request logs, backups, copyright decisions. Role `admin` only.' },
  { name: 'operations', description: 'Health probes for orchestrators; unauthenticated, never rate limited.' },
];

/** RFC 9457 problem details as a schema: the body of every 4xx and 5xx answer. */
export const PROBLEM_DETAILS_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'RFC 9457 problem details, media type application/problem+json. Extension members may appear (e.g. `checks`, `currentStatus`).',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', format: 'uri', description: 'The problem type; its last segment is the stable code (`validation-failed`, `not-found`...)', example: 'https://clearmark.dev/problems/validation-failed' },
    title: { type: 'string', description: 'Short summary of the problem type', example: 'Validation Failed' },
    status: { type: 'integer', minimum: 400, maximum: 599, description: 'The HTTP status code', example: 400 },
    detail: { type: 'string', description: 'What went wrong, for a human', example: 'The request has invalid fields' },
    instance: { type: 'string', description: 'The request path (without the query)', example: '/v1/auth/register' },
    requestId: { type: 'string', description: 'The X-Request-Id of the request; quote it when reporting a problem' },
    errors: {
      type: 'array',
      description: 'For `validation-failed`: one entry per invalid field or parameter',
      items: { $ref: '#/components/schemas/FieldError' },
    },
    retryAfter: { type: 'integer', minimum: 1, description: 'On 423 and 429: seconds to wait before retrying (as the Retry-After header)' },
  },
  additionalProperties: true,
};

export const FIELD_ERROR_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'One invalid field: its name (a body field, `a.b[0].c`, or a query or path parameter) and what is wanted',
  required: ['field', 'message'],
  properties: {
    field: { type: 'string', example: 'email' },
    message: { type: 'string', example: 'must be an e-mail address' },
  },
  additionalProperties: false,
};

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** What a status means when an operation does not say more itself. */
const GENERIC_DESCRIPTIONS: Record<number, string> = {
  400: 'A parameter or body field is invalid (problem type `validation-failed`, `errors[]` names each one)',
  401: 'Missing, invalid or expired access token, or the session has ended',
  403: 'The caller’s role may not do this',
  404: 'No such resource, or it is not the caller’s',
  409: 'Conflicts with the current state',
  413: 'The request body is larger than the service accepts',
  415: 'The request body is not application/json',
  423: 'Locked; retry after Retry-After seconds',
  429: 'Too many requests; retry after Retry-After seconds',
  500: 'Unexpected error; quote the requestId when reporting it',
  503: 'The database is unavailable or busy, or the service is shutting down; retry after Retry-After seconds',
};

const RETRY_AFTER_HEADER = {
  description: 'Seconds to wait before retrying',
  schema: { type: 'integer', minimum: 1 },
};

/**
 * What the code states once for all operations, written into the generated document:
 * - every error answer is problem+json (the global ProblemDetailsFilter makes it so): each 4xx and
 *   5xx response gets the ProblemDetails schema, with Retry-After on 423, 429 and 503;
 * - the answers the global pieces give: 400 everywhere (the global validation pipe, and unknown
 *   query parameters are refused on every route), 404 on paths with a parameter, 413/415 on bodies (the body parser), 429 on
 *   rate-limited routes (the global guard), 500 and 503 everywhere;
 * - `security: []` on an operation that declares no security: `@Authenticated()` declares bearer,
 *   so one without it is public.
 */
export function completeOpenApiDocument(document: OpenAPIObject, options: { unthrottledPaths: (path: string) => boolean }): OpenAPIObject {
  document.components = document.components ?? {};
  document.components.schemas = { ...(document.components.schemas ?? {}), ProblemDetails: PROBLEM_DETAILS_SCHEMA, FieldError: FIELD_ERROR_SCHEMA };
  for (const [path, item] of Object.entries(document.paths) as Array<[string, PathItemObject]>) {
    for (const method of METHODS) {
      const operation = item[method] as OperationObject | undefined;
      if (!operation) continue;
      const hasPathParameter = /\{[^}]+\}/.test(path);
      // 400 everywhere: even an operation without parameters refuses unknown query parameters.
      const statuses = new Set<number>([400, 500]);
      if (hasPathParameter) statuses.add(404);
      if (operation.requestBody) {
        statuses.add(413);
        statuses.add(415);
      }
      if (!options.unthrottledPaths(path)) statuses.add(429);
      statuses.add(503);
      for (const status of statuses) {
        if (!operation.responses[String(status)]) operation.responses[String(status)] = { description: GENERIC_DESCRIPTIONS[status] ?? 'Error' };
      }
      for (const [code, response] of Object.entries(operation.responses) as Array<[string, ResponseObject]>) {
        const status = Number(code);
        if (!(status >= 400)) continue;
        response.content = { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: '#/components/schemas/ProblemDetails' } } };
        if (status === 423 || status === 429 || status === 503) response.headers = { ...(response.headers ?? {}), 'Retry-After': RETRY_AFTER_HEADER };
      }
      if (!operation.security) operation.security = [];
    }
  }
  return document;
}

/** The OpenAPI document of the app, generated from its controllers and DTOs. */
export function createOpenApiDocument(app: INestApplication, description: string): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle(API_TITLE)
    .setDescription(description)
    .setVersion('1')
    .setLicense('Proprietary', 'https://clearmark.dev/terms')
    .addServer('/', 'The server that serves this document')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The accessToken from register, login or refresh' }, 'bearer');
  for (const tag of API_TAGS) builder.addTag(tag.name, tag.description);
  const document = SwaggerModule.createDocument(app, builder.build());
  return completeOpenApiDocument(document, { unthrottledPaths: (path) => path.startsWith('/health') });
}
