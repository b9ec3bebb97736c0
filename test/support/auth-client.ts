import { randomBytes } from 'node:crypto';

export const GOOD_PASSWORD = 'correct horse battery staple';

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  sessionId: string;
  user: { id: string; email: string; role: string };
}

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}@example.com`;
}

/** Small HTTP client for the e2e specs: JSON in, status and parsed body out. */
export function client(baseUrl: string) {
  async function call(method: string, path: string, options: { body?: unknown; token?: string; headers?: Record<string, string> } = {}) {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    });
    const text = await res.text();
    let body: unknown = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    return { status: res.status, body: body as Record<string, unknown>, headers: res.headers };
  }

  return {
    call,
    async register(email = uniqueEmail(), password = GOOD_PASSWORD, headers?: Record<string, string>): Promise<Tokens> {
      const res = await call('POST', '/v1/auth/register', { body: { email, password, name: 'Test User' }, headers });
      if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as unknown as Tokens;
    },
    async login(email: string, password = GOOD_PASSWORD, headers?: Record<string, string>): Promise<Tokens> {
      const res = await call('POST', '/v1/auth/login', { body: { email, password }, headers });
      if (res.status !== 200) throw new Error(`login: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as unknown as Tokens;
    },
    me: (token: string) => call('GET', '/v1/users/me', { token }),
    refresh: (refreshToken: string) => call('POST', '/v1/auth/refresh', { body: { refreshToken } }),
  };
}
