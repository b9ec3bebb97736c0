import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { startTestApp, type TestApp } from './support/test-app';
import { client, uniqueEmail } from './support/auth-client';

/**
 * Schema-driven fuzzing of every operation in the live OpenAPI document (/docs/openapi.json):
 * values built from each parameter and body schema, then broken (wrong types, missing and extra
 * fields, nulls, huge and deeply nested values, control characters, unicode, prototype keys, bad
 * ids and cursors, odd content types), without a token and with a user's and an admin's.
 * Every answer must be below 500, and every 4xx a problem+json carrying the request id.
 *
 * Seeded and bounded: FUZZ_SEED (default below) reproduces a run, FUZZ_CASES sets the cases per
 * operation. Latencies are printed, not asserted (a test on a loaded machine measures nothing).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const CASES = Number(process.env.FUZZ_CASES ?? 14);
const CONCURRENCY = 2;
const PROBLEM = /^application\/problem\+json/;

type Schema = {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  nullable?: boolean;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  additionalProperties?: boolean | Schema;
  example?: unknown;
  default?: unknown;
};

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
  $ref?: string;
}

interface Operation {
  method: string;
  path: string;
  operationId: string;
  parameters: Parameter[];
  body?: { contentType: string; schema: Schema };
  secured: boolean;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { operationId?: string; parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> }; security?: unknown[] }>>;
  components?: { schemas?: Record<string, Schema>; parameters?: Record<string, Parameter> };
  security?: unknown[];
}

type Auth = 'none' | 'user' | 'admin';

interface Case {
  auth: Auth;
  path: Record<string, string>;
  query: Array<[string, string]>;
  body?: { contentType?: string; payload: string };
  label: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** encodeURIComponent, with lone surrogates (which it refuses) sent as U+FFFD as a browser would. */
function encode(value: string): string {
  return encodeURIComponent(value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
}

/** Strings that have broken parsers somewhere: control characters, unicode edge cases, markup, SQL, paths. */
const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u0001\u0007\u001b[31m\u007f',
  '\r\nX-Injected: 1',
  '\t\n\v\f',
  '\ud83d\ude00 emoji',
  '\ud800',
  'e\u0301\u200b\u200e\u202e\ufeff',
  'Ω≈ç√∫˜µ≤≥÷ 田中さん 𝕳𝖊𝖑𝖑𝖔',
  "'; DROP TABLE users; --",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '%00%2e%2e%2f',
  '{{7*7}}${7*7}',
  '__proto__',
  'constructor',
  'prototype',
  'null',
  'undefined',
  'NaN',
  '-1',
  '0',
  '1e309',
  '9223372036854775808',
  'true',
  '[]',
  '{}',
  'x'.repeat(5_000),
];

/** Ids and cursors a client should never send. */
const BAD_IDS = ['0', '-1', 'abc', 'null', '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '1'.repeat(300), '__proto__', 'constructor', '%', '..', ' ', '\u0000', '😀'];
const BAD_CURSORS = ['%%%', 'AAAA', 'eyJ9', 'eyJpZCI6IjEnOyJ9', Buffer.from('{"__proto__":{"x":1}}').toString('base64url'), Buffer.from('-1').toString('base64url'), Buffer.from('9'.repeat(40)).toString('base64url'), 'x'.repeat(3_000), ''];

const nasty = fc.constantFrom(...NASTY_STRINGS);
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'binary-ascii', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  nasty,
);

function deepArray(depth: number): unknown {
  let value: unknown = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

function deepObject(depth: number): unknown {
  let value: unknown = {};
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

/** A JSON value of the wrong kind, size or shape. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.constantFrom(0, -1, 1.5, -0.0001, 1e308, -1e308, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER),
  anyText,
  fc.constant('x'.repeat(200_000)),
  fc.constant(Array.from({ length: 5_000 }, (_, i) => i)),
  fc.integer({ min: 1, max: 60 }).map(deepArray),
  fc.integer({ min: 65, max: 2_000 }).map(deepArray),
  fc.integer({ min: 65, max: 2_000 }).map(deepObject),
  fc.constant(JSON.parse('{"__proto__": {"isAdmin": true, "role": "admin"}}') as unknown),
  fc.constant({ constructor: { prototype: { role: 'admin' } } }),
  fc.array(anyText, { maxLength: 5 }),
  fc.dictionary(anyText, anyText, { maxKeys: 4 }),
  fc.jsonValue({ maxDepth: 4 }),
);

class Schemas {
  constructor(private readonly document: OpenApiDocument) {}

  resolve(schema: Schema | undefined, seen = new Set<string>()): Schema {
    if (!schema) return {};
    if (schema.$ref) {
      if (seen.has(schema.$ref)) return {};
      const name = schema.$ref.replace('#/components/schemas/', '');
      return this.resolve(this.document.components?.schemas?.[name], new Set([...seen, schema.$ref]));
    }
    if (schema.allOf) {
      const parts = schema.allOf.map((s) => this.resolve(s, seen));
      return {
        ...Object.assign({}, ...parts),
        properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
        required: parts.flatMap((p) => p.required ?? []),
      } as Schema;
    }
    return schema;
  }

  /** A value that fits the schema (as far as the schema says). */
  valid(input: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
    const schema = this.resolve(input);
    if (depth > 5) return fc.constant(null);
    const options = schema.oneOf ?? schema.anyOf;
    if (options && options.length > 0) return fc.oneof(...options.map((s) => this.valid(s, depth + 1)));
    if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
    const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
    switch (type) {
      case 'integer':
        return fc.integer({ min: schema.minimum ?? -1_000, max: schema.maximum ?? Math.max(schema.minimum ?? 0, 1_000) });
      case 'number':
        return fc.double({ min: schema.minimum ?? -1_000, max: schema.maximum ?? 1_000, noNaN: true });
      case 'boolean':
        return fc.boolean();
      case 'array':
        return fc.array(this.valid(schema.items, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 4, 4) });
      case 'object':
        return this.object(schema, depth);
      case 'string':
        return this.string(schema);
      default:
        if (schema.properties) return this.object(schema, depth);
        return fc.oneof(fc.string({ maxLength: 12 }), fc.integer());
    }
  }

  private string(schema: Schema): fc.Arbitrary<unknown> {
    switch (schema.format) {
      case 'uuid':
        return fc.uuid();
      case 'email':
        return fc.constant(uniqueEmail('fuzz'));
      case 'date-time':
        return fc.date({ min: new Date('2000-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
      case 'date':
        return fc.date({ min: new Date('2000-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
      case 'uri':
        return fc.constant('https://example.com/x');
      default: {
        const min = schema.minLength ?? 1;
        const max = Math.max(min, Math.min(schema.maxLength ?? 24, 64));
        return fc.string({ unit: 'grapheme-ascii', minLength: min, maxLength: max });
      }
    }
  }

  private object(schema: Schema, depth: number): fc.Arbitrary<unknown> {
    const properties = schema.properties ?? {};
    const keys = Object.keys(properties);
    if (keys.length === 0) return fc.constant({});
    const record: Record<string, fc.Arbitrary<unknown>> = {};
    for (const key of keys) record[key] = this.valid(properties[key], depth + 1);
    return fc.record(record, { requiredKeys: (schema.required ?? []).filter((k) => keys.includes(k)) });
  }

  /** A body that starts valid and is then broken one way or another. */
  body(input: Schema): fc.Arbitrary<{ value: unknown; how: string }> {
    const schema = this.resolve(input);
    const properties = Object.keys(schema.properties ?? {});
    const base = this.valid(schema) as fc.Arbitrary<Record<string, unknown>>;
    const field = properties.length > 0 ? fc.constantFrom(...properties) : fc.constant('field');
    return fc.oneof(
      base.map((value) => ({ value, how: 'valid' })),
      fc.tuple(base, field).map(([value, key]) => {
        const copy = { ...(value as object) } as Record<string, unknown>;
        delete copy[key];
        return { value: copy, how: `missing ${key}` };
      }),
      fc.tuple(base, field, hostileValue).map(([value, key, bad]) => ({ value: { ...(value as object), [key]: bad }, how: `${key} hostile` })),
      fc.tuple(base, field).map(([value, key]) => ({ value: { ...(value as object), [key]: null }, how: `${key} null` })),
      fc.tuple(base, fc.oneof(anyText, fc.constantFrom('__proto__', 'constructor', 'prototype', 'isAdmin', 'role')), hostileValue).map(([value, key, bad]) => {
        const copy = { ...(value as object) } as Record<string, unknown>;
        Object.defineProperty(copy, key, { value: bad, enumerable: true, configurable: true, writable: true });
        return { value: copy, how: `extra ${JSON.stringify(key).slice(0, 20)}` };
      }),
      hostileValue.map((value) => ({ value, how: 'whole body hostile' })),
    );
  }
}

function operationsOf(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const parameters = (op.parameters ?? []).map((p) =>
        p.$ref ? (document.components?.parameters?.[p.$ref.replace('#/components/parameters/', '')] as Parameter) : p,
      );
      const content = op.requestBody?.content ?? {};
      const contentType = Object.keys(content)[0];
      const security = op.security ?? document.security ?? [];
      operations.push({
        method: method.toUpperCase(),
        path,
        operationId: op.operationId ?? `${method} ${path}`,
        parameters: parameters.filter(Boolean),
        body: contentType ? { contentType, schema: content[contentType]?.schema ?? {} } : undefined,
        secured: security.length > 0,
      });
    }
  }
  return operations;
}

/** The cases of one operation, from the schemas, seeded by the operation's position. */
function casesOf(operation: Operation, schemas: Schemas, seed: number): Case[] {
  const pathParams = operation.parameters.filter((p) => p.in === 'path');
  const queryParams = operation.parameters.filter((p) => p.in === 'query');
  const pathValue = (p: Parameter) =>
    fc.oneof(
      { arbitrary: schemas.valid(p.schema).map((v) => ({ value: encode(String(v)), how: 'valid' })), weight: 2 },
      { arbitrary: fc.constantFrom(...BAD_IDS, ...NASTY_STRINGS).map((v) => ({ value: encode(v), how: 'bad id' })), weight: 3 },
      // Raw, as some clients send them: bad percent-encoding and reserved characters.
      { arbitrary: fc.constantFrom('%', '%zz', '%E0%A4%A', '%00', '%2F..%2F', 'a;b', 'a?b=1'), weight: 1 },
    ).map((v) => (typeof v === 'string' ? { value: v, how: 'raw' } : v));
  const queryValue = (p: Parameter) => {
    const name = p.name.toLowerCase();
    const special = name === 'cursor' ? BAD_CURSORS : name === 'limit' ? ['-1', '0', '1.5', '1e9', '101', 'abc', '', '10&limit=20'] : [];
    return fc.oneof(
      schemas.valid(p.schema).map((v) => (Array.isArray(v) ? v.join(',') : String(v))),
      fc.constantFrom(...NASTY_STRINGS, ...(special.length > 0 ? special : ['x'])),
      anyText,
    );
  };
  const query = fc
    .tuple(
      ...queryParams.map((p) => fc.option(queryValue(p).map((v) => [p.name, v] as [string, string]), { nil: undefined, freq: 2 })),
      fc.option(fc.tuple(fc.oneof(anyText, fc.constantFrom('__proto__', 'constructor', 'unknownParam', 'limit')), anyText), { nil: undefined, freq: 3 }),
    )
    .map((pairs) => pairs.filter((p): p is [string, string] => p !== undefined && p[0] !== ''));
  const path = fc
    .tuple(...pathParams.map((p) => pathValue(p).map((v) => [p.name, v.value] as [string, string])))
    .map((pairs) => Object.fromEntries(pairs) as Record<string, string>);
  const oddBody = fc.oneof(
    fc.constantFrom(
      { contentType: 'application/json', payload: '{"a":' },
      { contentType: 'application/json', payload: '' },
      { contentType: 'application/json', payload: 'null' },
      { contentType: 'application/json', payload: '"just a string"' },
      { contentType: 'application/json', payload: '{"a":1,"a":2}' },
      { contentType: 'application/json', payload: '\ufeff{}' },
      { contentType: 'application/json; charset=utf-16', payload: '{}' },
      { contentType: 'text/plain', payload: 'hello' },
      { contentType: 'application/x-www-form-urlencoded', payload: 'a=1&__proto__[x]=1' },
      { contentType: 'multipart/form-data; boundary=x', payload: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--' },
      { contentType: 'application/xml', payload: '<a/>' },
      { contentType: 'application/json', payload: '['.repeat(100_000) },
      { contentType: undefined, payload: '{}' },
    ),
  );
  const body: fc.Arbitrary<Case['body'] & { how: string }> = operation.body
    ? fc.oneof(
        { arbitrary: schemas.body(operation.body.schema).map(({ value, how }) => ({ contentType: 'application/json', payload: JSON.stringify(value) ?? 'null', how })), weight: 5 },
        { arbitrary: oddBody.map((b) => ({ ...b, how: `odd ${b.contentType ?? 'no content type'}` })), weight: 2 },
      )
    : fc.oneof(
        { arbitrary: fc.constant(undefined as unknown as Case['body'] & { how: string }), weight: 4 },
        { arbitrary: oddBody.map((b) => ({ ...b, how: `unexpected body ${b.contentType ?? ''}` })), weight: 1 },
      );
  const auth = fc.constantFrom<Auth>('none', 'user', 'admin');
  const arbitrary = fc.record({ auth, path, query, body }).map(({ auth: a, path: p, query: q, body: b }) => ({
    auth: a,
    path: p,
    query: q,
    body: b && (operation.method === 'GET' || operation.method === 'HEAD') ? undefined : b ? { contentType: b.contentType, payload: b.payload } : undefined,
    label: `${a}; ${b?.how ?? 'no body'}`,
  }));
  return fc.sample(arbitrary, { seed, numRuns: CASES });
}

interface Outcome {
  operation: string;
  label: string;
  status: number;
  ms: number;
  problem?: string;
  request: string;
}

describe('fuzzing every operation of the OpenAPI document (e2e)', () => {
  let db: TestDatabase;
  let t: TestApp;
  let backupDir: string;
  const tokens: Record<Exclude<Auth, 'none'>, () => Promise<string>> = { user: async () => '', admin: async () => '' };

  beforeAll(async () => {
    db = await createTestDatabase();
    backupDir = mkdtempSync(join(tmpdir(), 'clearmark-fuzz-backups-'));
    t = await startTestApp({
      databaseUrl: db.url,
      env: { RATE_LIMIT_MAX: '1000000', AUTH_RATE_LIMIT_MAX: '1000000', BACKUP_DIR: backupDir, SESSION_CACHE_TTL_MS: '0', API_LOG_FLUSH_INTERVAL_MS: '50' },
    });
    const api = client(t.url);
    const sql = new Client({ connectionString: db.url });
    await sql.connect();
    tokens.user = async () => (await api.register()).accessToken;
    tokens.admin = async () => {
      const email = uniqueEmail('fuzz-admin');
      const registered = await api.register(email);
      await sql.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [registered.user.id]);
      return (await api.login(email)).accessToken;
    };
    afterAllClose.push(() => sql.end());
  });

  const afterAllClose: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of afterAllClose) await close();
    await t?.close();
    await db?.drop();
    if (backupDir) rmSync(backupDir, { recursive: true, force: true });
  });

  it('no operation answers 500 or more, and every 4xx is problem+json with the request id', async () => {
    const res = await fetch(`${t.url}/docs/openapi.json`);
    expect(res.status).toBe(200);
    const document = (await res.json()) as OpenApiDocument;
    const schemas = new Schemas(document);
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThan(20);

    const outcomes: Outcome[] = [];
    const failures: Outcome[] = [];
    let index = 0;
    const callers: Record<Exclude<Auth, 'none'>, string> = { user: await tokens.user(), admin: await tokens.admin() };
    for (const operation of operations) {
      const cases = casesOf(operation, schemas, SEED + index++);
      // An operation may have logged its caller out (logout, password change): a fresh account then.
      for (const role of ['user', 'admin'] as const) {
        const me = await fetch(`${t.url}/v1/users/me`, { headers: { authorization: `Bearer ${callers[role]}` } });
        await me.arrayBuffer();
        if (me.status !== 200) callers[role] = await tokens[role]();
      }
      const queue = [...cases];
      const worker = async () => {
        for (let c = queue.shift(); c; c = queue.shift()) {
          const outcome = await send(operation, c, callers);
          outcomes.push(outcome);
          if (outcome.problem) failures.push(outcome);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    }

    report(outcomes, operations.length);
    expect(failures.slice(0, 20)).toEqual([]);
  }, 170_000);

  async function send(operation: Operation, c: Case, callers: Record<Exclude<Auth, 'none'>, string>): Promise<Outcome> {
    let path = operation.path;
    for (const [name, value] of Object.entries(c.path)) path = path.replace(`{${name}}`, value);
    const search = c.query.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
    const url = `${t.url}${path}${search ? `?${search}` : ''}`;
    const headers: Record<string, string> = {};
    if (c.auth !== 'none') headers.authorization = `Bearer ${callers[c.auth]}`;
    if (c.body?.contentType) headers['content-type'] = c.body.contentType;
    const request = `${operation.method} ${url.slice(t.url.length, t.url.length + 160)} [${c.label}]${c.body ? ` body=${c.body.payload.slice(0, 120)}` : ''}`;
    const started = performance.now();
    let status = 0;
    let problem: string | undefined;
    try {
      const res = await fetch(url, { method: operation.method, headers, body: c.body?.payload, signal: AbortSignal.timeout(20_000) });
      const text = await res.text();
      status = res.status;
      if (status >= 500) problem = `answered ${status}: ${text.slice(0, 200)}`;
      else if (status >= 400 && operation.method !== 'HEAD') {
        const requestId = res.headers.get('x-request-id');
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(text) as Record<string, unknown>;
        } catch {
          problem = `${status} body is not JSON: ${text.slice(0, 120)}`;
        }
        if (!PROBLEM.test(res.headers.get('content-type') ?? '')) problem = `${status} with content-type ${res.headers.get('content-type')}`;
        else if (!requestId || body.requestId !== requestId) problem = `${status} problem without the request id (${String(body.requestId)} vs header ${requestId})`;
      }
    } catch (error) {
      problem = `no answer: ${(error as Error).message}`;
    }
    return { operation: `${operation.method} ${operation.path}`, label: c.label, status, ms: performance.now() - started, problem, request };
  }

  function report(outcomes: Outcome[], operationCount: number): void {
    const byStatus = new Map<number, number>();
    for (const o of outcomes) byStatus.set(o.status, (byStatus.get(o.status) ?? 0) + 1);
    const sorted = outcomes.map((o) => o.ms).sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]?.toFixed(1);
    const slowest = [...outcomes].sort((a, b) => b.ms - a.ms).slice(0, 5);
    process.stdout.write(
      [
        `fuzz: seed ${SEED}, ${operationCount} operations, ${outcomes.length} requests`,
        `statuses: ${[...byStatus.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}x${n}`).join(' ')}`,
        `latency ms: p50 ${at(0.5)}, p95 ${at(0.95)}, p99 ${at(0.99)}, max ${at(1)} (printed, not asserted)`,
        ...slowest.map((o) => `  slow: ${o.ms.toFixed(0)} ms ${o.request.slice(0, 160)}`),
        '',
      ].join('\n'),
    );
  }
});
