import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GOOD_PASSWORD, uniqueEmail } from './support/auth-client';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');
const CONTRACT = join(__dirname, 'contract');
const bin = (pkg: string, file: string) => join(ROOT, 'node_modules', pkg, file);

interface Finding {
  tool: string;
  rule: string;
  severity: string;
  where: string;
  message: string;
}

type Json = Record<string, unknown>;
type Operation = {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: Array<{ name: string; in: string; description?: string; schema?: Json }>;
  requestBody?: { content?: Record<string, { schema?: Json }> };
  responses: Record<string, { description?: string; content?: Record<string, { schema?: Json }>; headers?: Json }>;
};
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** The journey is loaded by path so that the root type check never needs the generated types. */
type Journey = (
  baseUrl: string,
  email: string,
  password: string,
) => Promise<{
  userId: string;
  searchId: string;
  topScore: number | null;
  watchId: string;
  watchCount: number;
  unreadNotifications: number;
  invalidSearch: { type: string; status: number; errors?: Array<{ field: string; message: string }> };
}>;

describe('The OpenAPI contract at /docs/openapi.json (e2e)', () => {
  let db: TestDatabase;
  let t: TestApp;
  let document: Json;
  let operations: Array<{ method: string; path: string; op: Operation }>;
  let work: string;
  let documentFile: string;
  // The three tools run side by side from beforeAll; each test awaits its own result.
  let redocly: Promise<string>;
  let spectral: Promise<string>;
  let typecheck: Promise<string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({ databaseUrl: db.url, env: { AUTH_RATE_LIMIT_MAX: '10000' } });
    const res = await fetch(`${t.url}/docs/openapi.json`);
    expect(res.status).toBe(200);
    document = (await res.json()) as Json;
    operations = Object.entries(document.paths as Record<string, Record<string, Operation>>).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m]).map((method) => ({ method, path, op: item[method] })),
    );
    work = mkdtempSync(join(tmpdir(), 'clearmark-contract-'));
    documentFile = join(work, 'openapi.json');
    writeFileSync(documentFile, JSON.stringify(document, null, 2));
    redocly = run(process.execPath, [join(CONTRACT, 'redocly-lint.mjs'), documentFile, join(ROOT, 'redocly.yaml')], { cwd: ROOT }).then((r) => r.stdout);
    const spectralArgs = [bin('@stoplight/spectral-cli', 'dist/index.js'), 'lint', documentFile, '--ruleset', join(ROOT, '.spectral.yaml'), '--format', 'json', '--quiet', '--fail-severity', 'hint'];
    // Spectral exits 1 when it finds something; its findings are on stdout either way.
    spectral = run(process.execPath, spectralArgs, { cwd: ROOT }).then(
      (r) => r.stdout,
      (error: { stdout?: string }) => error.stdout ?? '',
    );
    const generated = join(CONTRACT, 'generated');
    mkdirSync(generated, { recursive: true });
    typecheck = run(process.execPath, [bin('openapi-typescript', 'bin/cli.js'), documentFile, '--output', join(generated, 'clearmark-api.d.ts')], { cwd: ROOT })
      .then(() => run(process.execPath, [bin('typescript', 'bin/tsc'), '-p', join(CONTRACT, 'tsconfig.json')], { cwd: ROOT }))
      .then(
        () => '',
        (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
      );
    // Settled here too, so that a failure is never an unhandled rejection if a test is skipped.
    for (const p of [redocly, spectral, typecheck]) p.catch(() => undefined);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await db?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('passes Redocly `recommended` (redocly.yaml) with 0 errors and 0 warnings', async () => {
    const problems = JSON.parse(await redocly) as Array<{ rule: string; severity: string; message: string; pointer: string | null }>;
    const findings: Finding[] = problems.map((p) => ({ tool: 'redocly', rule: p.rule, severity: p.severity, where: p.pointer ?? '', message: p.message }));
    expect(findings).toEqual([]);
  }, 120_000);

  it('passes Spectral `spectral:oas` (.spectral.yaml) with 0 errors and 0 warnings', async () => {
    const problems = JSON.parse((await spectral) || '[]') as Array<{ code: string; severity: number; path: string[]; message: string }>;
    const findings: Finding[] = problems.map((p) => ({ tool: 'spectral', rule: p.code, severity: String(p.severity), where: p.path.join('/'), message: p.message }));
    expect(findings).toEqual([]);
  }, 120_000);

  it('types every answer: a schema on each 2xx with a body, ProblemDetails on each 4xx and 5xx, Retry-After on 423 and 429', () => {
    const gaps: string[] = [];
    for (const { method, path, op } of operations) {
      const at = `${method.toUpperCase()} ${path}`;
      const success = Object.keys(op.responses).filter((s) => s.startsWith('2'));
      if (success.length === 0) gaps.push(`${at}: no 2xx response`);
      for (const status of success) {
        if (status === '204') continue;
        const content = op.responses[status].content ?? {};
        if (Object.values(content).every((media) => !media.schema)) gaps.push(`${at} ${status}: no schema`);
      }
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        const schema = response.content?.['application/problem+json']?.schema;
        if (schema?.$ref !== '#/components/schemas/ProblemDetails') gaps.push(`${at} ${status}: not ProblemDetails`);
        if ((status === '423' || status === '429') && !response.headers?.['Retry-After']) gaps.push(`${at} ${status}: no Retry-After`);
      }
      if (!op.responses['400']) gaps.push(`${at}: no 400 (unknown query parameters are refused everywhere)`);
      if (op.responses['201'] && !op.responses['201'].headers?.Location) gaps.push(`${at} 201: no Location header`);
      if (!op.summary || !op.description) gaps.push(`${at}: summary or description missing`);
    }
    expect(gaps).toEqual([]);
    const problem = (document.components as { schemas: Record<string, Json> }).schemas.ProblemDetails as { properties: Record<string, Json>; required: string[] };
    expect(problem.required).toEqual(['type', 'title', 'status']);
    expect(problem.properties.status.type).toBe('integer');
    expect(problem.properties.errors).toMatchObject({ type: 'array', items: { $ref: '#/components/schemas/FieldError' } });
    expect(problem.properties.retryAfter.type).toBe('integer');
  });

  it('documents limit and cursor on every operation that answers a page (data + nextCursor)', () => {
    const schemas = (document.components as { schemas: Record<string, { properties?: Record<string, Json> }> }).schemas;
    const gaps: string[] = [];
    for (const { method, path, op } of operations) {
      const ref = String(op.responses['200']?.content?.['application/json']?.schema?.$ref ?? '');
      const page = schemas[ref.split('/').pop() ?? '']?.properties;
      if (!page?.nextCursor) continue;
      const query = new Map((op.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, p]));
      for (const name of ['limit', 'cursor']) if (!query.get(name)?.description) gaps.push(`${method.toUpperCase()} ${path}: ${name} not documented`);
    }
    expect(gaps).toEqual([]);
  });

  it('marks exactly the public operations `security: []` and every other one bearer', () => {
    const publicOps = operations.filter(({ op }) => Array.isArray(op.security) && op.security.length === 0).map(({ method, path }) => `${method} ${path}`);
    // Provider webhooks carry no bearer token: the Stripe-Signature over the raw body authenticates them.
    expect(publicOps.sort()).toEqual(['get /health/live', 'get /health/ready', 'post /v1/auth/login', 'post /v1/auth/refresh', 'post /v1/auth/register', 'post /v1/billing/webhooks/{provider}']);
    for (const { op } of operations) {
      if (op.security?.length) expect(op.security).toEqual([{ bearer: [] }]);
    }
    expect(document.servers).toEqual([expect.objectContaining({ url: expect.any(String) })]);
    const declared = (document.tags as Array<{ name: string; description?: string }>).map((tag) => {
      expect(tag.description).toEqual(expect.any(String));
      return tag.name;
    });
    for (const { op } of operations) for (const tag of op.tags ?? []) expect(declared).toContain(tag);
  });

  it('types integers as integer and keeps optional fields optional', () => {
    const schemas = (document.components as { schemas: Record<string, { properties?: Record<string, Json>; required?: string[] }> }).schemas;
    expect(schemas.UpdateMeDto.properties?.name).toMatchObject({ type: 'string', nullable: true });
    expect(schemas.UpdateMeDto.required ?? []).toEqual([]);
    expect(schemas.TokensResponseDto.properties?.expiresIn.type).toBe('integer');
    expect(schemas.ScoredResultDto.properties?.score.type).toBe('integer');
    expect(schemas.PreferencesResponseDto.properties?.defaultClasses).toMatchObject({ type: 'array', items: { type: 'integer' } });
    expect(schemas.CreateSearchDto.required).toEqual(['mark']);
    expect(schemas.CreateWatchDto.required?.sort()).toEqual(['classes', 'mark']);
    const limits = operations.flatMap(({ op }) => (op.parameters ?? []).filter((p) => p.name === 'limit'));
    expect(limits.length).toBeGreaterThan(0);
    for (const limit of limits) expect(limit.schema?.type).toBe('integer');
    // A `default` in a request body makes generators (openapi-typescript) type the field required:
    // request bodies state their defaults in words instead.
    const bodySchemas = new Set(
      operations.flatMap(({ op }) => Object.values(op.requestBody?.content ?? {}).map((media) => String(media.schema?.$ref ?? '').split('/').pop())),
    );
    const withDefault: string[] = [];
    for (const name of bodySchemas) {
      for (const [field, schema] of Object.entries(schemas[name ?? '']?.properties ?? {})) if ('default' in schema) withDefault.push(`${name}.${field}`);
    }
    expect(withDefault).toEqual([]);
  });

  it('generates a typed client (openapi-typescript) on which the client journey type-checks and misuses do not', async () => {
    expect(await typecheck).toBe('');
  }, 120_000);

  it('runs the client journey (register, login, search, watch, notifications) against the live app', async () => {
    const journeyPath = join(CONTRACT, 'client-journey');
    const { clientJourney } = (await import(journeyPath)) as { clientJourney: Journey };
    const outcome = await clientJourney(t.url, uniqueEmail('journey'), GOOD_PASSWORD);
    expect(outcome.userId).toEqual(expect.any(String));
    expect(outcome.watchCount).toBe(1);
    expect(outcome.unreadNotifications).toBeGreaterThanOrEqual(0);
    expect(outcome.invalidSearch).toMatchObject({ status: 400, type: expect.stringContaining('validation-failed'), errors: [expect.objectContaining({ field: 'mark' })] });
  });
});
