import { Client } from 'pg';
import { CopyrightTransfersService, TRANSFER_TTL_MS } from '@app/copyrights';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { startTestApp, type TestApp } from './support/test-app';
import { client, uniqueEmail, type Tokens } from './support/auth-client';

describe('copyright transfers (e2e)', () => {
  let db: TestDatabase;
  let t: TestApp;
  let sql: Client;
  let api: ReturnType<typeof client>;
  let owner: Tokens;
  let recipient: Tokens;
  let stranger: Tokens;

  const work = { title: 'River Song', workType: 'musical', authors: [{ name: 'Cleo Composer' }], creationDate: '2010-01-01' };

  async function newWork(token: string): Promise<string> {
    const res = await api.call('POST', '/v1/copyrights', { token, body: work });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  async function offer(token: string, id: string, toEmail: string) {
    return api.call('POST', `/v1/copyrights/${id}/transfer`, { token, body: { toEmail } });
  }

  async function notices(token: string): Promise<Array<{ type: string; title: string; body: string; data: Record<string, unknown> }>> {
    return (await api.call('GET', '/v1/notifications?limit=100', { token })).body.data as never;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({ databaseUrl: db.url, env: { AUTH_RATE_LIMIT_MAX: '1000' } });
    api = client(t.url);
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    owner = await api.register();
    recipient = await api.register();
    stranger = await api.register();
  });

  afterAll(async () => {
    await sql?.end();
    await t?.close();
    await db?.drop();
  });

  it('moves ownership on accept: both notified, history keeps both owners, the old owner gets 404', async () => {
    const id = await newWork(owner.accessToken);
    const offered = await offer(owner.accessToken, id, recipient.user.email.toUpperCase());
    expect(offered.status).toBe(201);
    expect(offered.body).toMatchObject({ status: 'pending', copyrightId: id, direction: 'outgoing' });
    const transferId = offered.body.id as string;
    expect(new Date(offered.body.expiresAt as string).getTime() - Date.now()).toBeGreaterThan(TRANSFER_TTL_MS - 60_000);
    expect((await offer(owner.accessToken, id, recipient.user.email)).status).toBe(409);

    // The recipient (who has an account) is told of the offer, without the sender's identity.
    const offerNotice = (await notices(recipient.accessToken)).find((n) => n.data.transferId === transferId);
    expect(offerNotice).toMatchObject({ type: 'copyright', title: 'A work is offered to you', data: { copyrightId: id, transferId } });
    expect(JSON.stringify(offerNotice)).not.toContain(owner.user.email);
    expect(JSON.stringify(offerNotice)).not.toContain(owner.user.id);

    const incoming = await api.call('GET', '/v1/copyrights/transfers', { token: recipient.accessToken });
    expect(incoming.body.data).toEqual([expect.objectContaining({ id: transferId, direction: 'incoming', status: 'pending' })]);
    // Only the recipient may accept or decline; only the owner may cancel.
    expect((await api.call('POST', `/v1/copyrights/transfers/${transferId}/accept`, { token: stranger.accessToken })).status).toBe(404);
    expect((await api.call('POST', `/v1/copyrights/transfers/${transferId}/accept`, { token: owner.accessToken })).status).toBe(404);
    expect((await api.call('POST', `/v1/copyrights/transfers/${transferId}/cancel`, { token: recipient.accessToken })).status).toBe(404);

    const accepted = await api.call('POST', `/v1/copyrights/transfers/${transferId}/accept`, { token: recipient.accessToken });
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toBe('accepted');
    expect((await api.call('GET', `/v1/copyrights/${id}`, { token: owner.accessToken })).status).toBe(404);
    expect((await api.call('GET', `/v1/copyrights/${id}`, { token: recipient.accessToken })).status).toBe(200);

    const history = (await api.call('GET', `/v1/copyrights/${id}/history`, { token: recipient.accessToken })).body.data as Array<{ action: string; actorId: string }>;
    expect(history.map((h) => [h.action, h.actorId])).toEqual([
      ['create', owner.user.id],
      ['transfer-offered', owner.user.id],
      ['transfer-accepted', recipient.user.id],
    ]);
    expect((await notices(owner.accessToken)).map((n) => n.title)).toContain('Your work was transferred');
    expect((await notices(recipient.accessToken)).map((n) => n.title)).toContain('A work was transferred to you');
    expect((await api.call('POST', `/v1/copyrights/transfers/${transferId}/decline`, { token: recipient.accessToken })).body).toMatchObject({ status: 409, currentStatus: 'accepted' });
  });

  it('declines and cancels; a decided transfer answers 409', async () => {
    const id = await newWork(owner.accessToken);
    const declined = await offer(owner.accessToken, id, recipient.user.email);
    expect((await api.call('POST', `/v1/copyrights/transfers/${declined.body.id as string}/decline`, { token: recipient.accessToken })).body.status).toBe('declined');
    expect((await api.call('GET', `/v1/copyrights/${id}`, { token: owner.accessToken })).status).toBe(200);
    expect((await notices(owner.accessToken)).map((n) => n.title)).toContain('Your transfer was declined');

    const cancelled = await offer(owner.accessToken, id, recipient.user.email);
    expect(cancelled.status).toBe(201);
    expect((await api.call('POST', `/v1/copyrights/transfers/${cancelled.body.id as string}/cancel`, { token: owner.accessToken })).body.status).toBe('cancelled');
    expect((await api.call('POST', `/v1/copyrights/transfers/${cancelled.body.id as string}/accept`, { token: recipient.accessToken })).body).toMatchObject({ status: 409, currentStatus: 'cancelled' });
    expect((await api.call('GET', `/v1/copyrights/${id}`, { token: recipient.accessToken })).status).toBe(404);
  });

  it('expires pending transfers after 14 days (job logic run with a chosen now)', async () => {
    const id = await newWork(owner.accessToken);
    const offered = await offer(owner.accessToken, id, recipient.user.email);
    const transferId = offered.body.id as string;
    const service = t.app.get(CopyrightTransfersService);
    expect(await service.expireDue(new Date(Date.now() + TRANSFER_TTL_MS - 3_600_000))).toBe(0);
    expect(await service.expireDue(new Date(Date.now() + TRANSFER_TTL_MS + 60_000))).toBeGreaterThanOrEqual(1);
    const listed = (await api.call('GET', '/v1/copyrights/transfers', { token: owner.accessToken })).body.data as Array<{ id: string; status: string }>;
    expect(listed.find((x) => x.id === transferId)?.status).toBe('expired');
    expect((await api.call('POST', `/v1/copyrights/transfers/${transferId}/accept`, { token: recipient.accessToken })).body).toMatchObject({ status: 409, currentStatus: 'expired' });
  });

  it('answers an unknown address exactly like a known one; that address can accept after signing up', async () => {
    const id = await newWork(owner.accessToken);
    const unknownEmail = uniqueEmail('nobody');
    const unknown = await offer(owner.accessToken, id, unknownEmail);
    const id2 = await newWork(owner.accessToken);
    const known = await offer(owner.accessToken, id2, stranger.user.email);
    expect(unknown.status).toBe(known.status);
    expect(Object.keys(unknown.body).sort()).toEqual(Object.keys(known.body).sort());
    expect(unknown.body.status).toBe(known.body.status);

    const newcomer = await api.register(unknownEmail);
    expect((await api.call('POST', `/v1/copyrights/transfers/${unknown.body.id as string}/accept`, { token: newcomer.accessToken })).status).toBe(200);
    expect((await api.call('GET', `/v1/copyrights/${id}`, { token: newcomer.accessToken })).status).toBe(200);
  });

  it('refuses another user’s work and bad input', async () => {
    const id = await newWork(owner.accessToken);
    expect((await offer(stranger.accessToken, id, recipient.user.email)).status).toBe(404);
    expect((await offer(owner.accessToken, id, 'not-an-address')).status).toBe(400);
    expect((await offer(owner.accessToken, id, owner.user.email)).status).toBe(400);
    expect((await api.call('POST', `/v1/copyrights/transfers/00000000-0000-4000-8000-000000000000/accept`, { token: recipient.accessToken })).status).toBe(404);
  });
});
