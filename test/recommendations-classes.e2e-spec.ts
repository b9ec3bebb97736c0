import { client, type Tokens } from './support/auth-client';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

interface Suggestion {
  class: number;
  heading: string;
  confidence: number;
  matchedTerms: string[];
  why: string;
}

describe('POST /v1/recommendations/classes (e2e)', () => {
  let db: TestDatabase;
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let ada: Tokens;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({ databaseUrl: db.url, env: { AUTH_RATE_LIMIT_MAX: '10000' } });
    api = client(t.url);
    ada = await api.register();
  });

  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  async function suggest(description: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await api.call('POST', '/v1/recommendations/classes', { token: ada.accessToken, body: { description } });
    return { status: res.status, body: res.body as Record<string, unknown> };
  }

  function classesOf(body: Record<string, unknown>): number[] {
    return (body.suggestions as Suggestion[]).map((s) => s.class);
  }

  it('suggests every class of a description spanning goods and services, with the supporting terms', async () => {
    const res = await suggest('we roast coffee and run two cafés');
    expect(res.status).toBe(200);
    expect(res.body.modelVersion).toMatch(/^ncl12-2024\.[0-9a-f]{12}$/);
    expect(classesOf(res.body).slice(0, 3)).toEqual(expect.arrayContaining([30, 43]));
    for (const s of res.body.suggestions as Suggestion[]) {
      expect(s.heading).not.toBe('');
      expect(s.confidence).toBeGreaterThan(0);
      expect(s.confidence).toBeLessThanOrEqual(1);
      expect(s.matchedTerms.length).toBeGreaterThan(0);
      expect(s.why).toContain(`class ${s.class}`);
    }
    const confidences = (res.body.suggestions as Suggestion[]).map((s) => s.confidence);
    expect(confidences).toEqual([...confidences].sort((a, b) => b - a));
  });

  it('reaches the covering terms from words the official list does not use (WordNet)', async () => {
    const res = await suggest('sneakers');
    expect(res.status).toBe(200);
    expect(classesOf(res.body)[0]).toBe(25);
  });

  it('answers words it knows nothing of with no suggestions, not an error', async () => {
    const res = await suggest('zxqvb blorfium');
    expect(res.status).toBe(200);
    expect(res.body.suggestions).toEqual([]);
  });

  it('handles unicode: accents, other scripts and emoji', async () => {
    const res = await suggest('Crêpes et café ☕ — 咖啡 and croissants');
    expect(res.status).toBe(200);
    expect(classesOf(res.body)).toContain(30);
  });

  it('refuses an empty, blank, missing or 10 kB description with a problem+json 400', async () => {
    for (const description of ['', '   ', undefined, 42, 'coffee '.repeat(1500)]) {
      const res = await api.call('POST', '/v1/recommendations/classes', { token: ada.accessToken, body: description === undefined ? {} : { description } });
      expect([description === undefined ? 'missing' : String(description).slice(0, 10), res.status]).toEqual([description === undefined ? 'missing' : String(description).slice(0, 10), 400]);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('requires a signed-in user', async () => {
    const res = await api.call('POST', '/v1/recommendations/classes', { body: { description: 'coffee' } });
    expect(res.status).toBe(401);
  });
});
