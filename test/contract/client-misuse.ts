/**
 * Misuses the generated client must refuse: each line below has to be a type error, and tsc
 * fails on an `@ts-expect-error` that has none. If the document went vague (`unknown`,
 * `object`, no response schema), these would compile and the contract check would fail.
 * Type-checked with client-journey.ts, never run.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './generated/clearmark-api';

export async function misuses(baseUrl: string): Promise<void> {
  const api = createClient<paths>({ baseUrl });

  // @ts-expect-error no such operation
  await api.GET('/v1/no-such-route');

  // @ts-expect-error register needs a password
  await api.POST('/v1/auth/register', { body: { email: 'ada@example.com' } });

  // @ts-expect-error the display name is a string (it was typed `object`)
  await api.PATCH('/v1/users/me', { body: { name: 42 } });

  const search = await api.POST('/v1/trademarks/searches', { body: { mark: 'QUICK REWARDS' } });
  // @ts-expect-error a score is a number
  const score: string | undefined = search.data?.results[0]?.score;

  const me = await api.GET('/v1/users/me');
  // @ts-expect-error the profile has no password hash
  const hash: string | undefined = me.data?.passwordHash;

  const problem = {} as components['schemas']['ProblemDetails'];
  // @ts-expect-error a problem's status is a number
  const status: string = problem.status;

  // @ts-expect-error a field error names its field as a string
  const field: number | undefined = problem.errors?.[0]?.field;

  void [score, hash, status, field];
}
