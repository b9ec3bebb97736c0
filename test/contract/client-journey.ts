/**
 * A client app's first journey, written against the types `openapi-typescript` generates from
 * /docs/openapi.json (test/contract/generated/, written by test/openapi-contract.e2e-spec.ts,
 * which type-checks this file with tsc and then runs it against the live app). If the document
 * loses a response schema, types a field wrongly or makes an optional field required, this
 * file stops compiling.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './generated/clearmark-api';

type Problem = components['schemas']['ProblemDetails'];

export interface JourneyOutcome {
  userId: string;
  searchId: string;
  topScore: number | null;
  watchId: string;
  watchCount: number;
  unreadNotifications: number;
  invalidSearch: Problem;
}

function expectData<T>(what: string, result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) throw new Error(`${what}: ${result.response.status} ${JSON.stringify(result.error)}`);
  return result.data;
}

export async function clientJourney(baseUrl: string, email: string, password: string): Promise<JourneyOutcome> {
  const anonymous = createClient<paths>({ baseUrl });

  const registered = expectData('register', await anonymous.POST('/v1/auth/register', { body: { email, password, name: 'Journey' } }));
  const signedIn = expectData('login', await anonymous.POST('/v1/auth/login', { body: { email, password } }));
  const expiresInSeconds: number = signedIn.expiresIn;
  if (!(expiresInSeconds > 0)) throw new Error('login: expiresIn is not a positive number');

  const api = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${signedIn.accessToken}` } });

  const me = expectData('me', await api.GET('/v1/users/me'));
  if (me.id !== registered.user.id) throw new Error('me: another account');

  // Only `mark` is required: status, limit and includeNone keep their defaults.
  const search = expectData('search', await api.POST('/v1/trademarks/searches', { body: { mark: 'QUICK REWARDS', classes: [9, 35] } }));
  const topScore: number | null = search.results[0]?.score ?? null;
  const again = expectData('search by id', await api.GET('/v1/trademarks/searches/{id}', { params: { path: { id: search.id } } }));
  if (again.resultCount !== search.resultCount) throw new Error('search by id: another result count');

  const invalid = await api.POST('/v1/trademarks/searches', { body: { mark: '' } });
  if (invalid.error === undefined) throw new Error('an empty mark was accepted');
  const invalidSearch: Problem = invalid.error;

  const watch = expectData('watch', await api.POST('/v1/trademarks/watches', { body: { mark: 'KWIK REWARDS', classes: [35], threshold: 60 } }));
  const watches = expectData('watches', await api.GET('/v1/trademarks/watches', { params: { query: { limit: 10 } } }));

  const notifications = expectData('notifications', await api.GET('/v1/notifications', { params: { query: { unread: true, limit: 20 } } }));
  const readAll = await api.POST('/v1/notifications/read-all');
  if (readAll.response.status !== 204) throw new Error(`read-all: ${readAll.response.status}`);

  const signedOut = await api.POST('/v1/auth/logout', { body: {} });
  if (signedOut.response.status !== 204) throw new Error(`logout: ${signedOut.response.status}`);

  return {
    userId: me.id,
    searchId: search.id,
    topScore,
    watchId: watch.id,
    watchCount: watches.data.length,
    unreadNotifications: notifications.data.length,
    invalidSearch,
  };
}
