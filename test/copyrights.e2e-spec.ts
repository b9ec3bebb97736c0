import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { startTestApp, type TestApp } from './support/test-app';
import { client, uniqueEmail, type Tokens } from './support/auth-client';

type Work = Record<string, unknown> & { id: string; status: string; protection: { endsOn: string | null; rule: string } };

describe('copyright works (e2e)', () => {
  let db: TestDatabase;
  let t: TestApp;
  let sql: Client;
  let api: ReturnType<typeof client>;
  let owner: Tokens;
  let stranger: Tokens;
  let admin: Tokens;

  const base = { title: 'The Quiet Harbour', workType: 'literary', authors: [{ name: 'Ada Writer', deathYear: 2001 }], creationDate: '1999-04-01' };

  async function create(token: string, body: Record<string, unknown> = base): Promise<Work> {
    const res = await api.call('POST', '/v1/copyrights', { token, body });
    expect(res.status).toBe(201);
    return res.body as Work;
  }

  const act = (token: string, id: string, action: string) => api.call('POST', `/v1/copyrights/${id}/${action}`, { token });
  const decide = (id: string, body: Record<string, unknown>) => api.call('POST', `/v1/admin/copyrights/${id}/decision`, { token: admin.accessToken, body });

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({ databaseUrl: db.url, env: { AUTH_RATE_LIMIT_MAX: '1000' } });
    api = client(t.url);
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    owner = await api.register();
    stranger = await api.register();
    const adminEmail = uniqueEmail('admin');
    const registered = await api.register(adminEmail);
    await sql.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [registered.user.id]);
    admin = await api.login(adminEmail);
  });

  afterAll(async () => {
    await sql?.end();
    await t?.close();
    await db?.drop();
  });

  it('runs the whole lifecycle and keeps its history in order, with audit events', async () => {
    const work = await create(owner.accessToken);
    expect(work).toMatchObject({ status: 'draft', protection: { endsOn: '2071-12-31', rule: 'life of the author + 70 years' } });
    expect(work).not.toHaveProperty('userId');
    const edited = await api.call('PATCH', `/v1/copyrights/${work.id}`, { token: owner.accessToken, body: { description: 'A novel' } });
    expect(edited.status).toBe(200);
    expect(edited.body.description).toBe('A novel');
    expect((await act(owner.accessToken, work.id, 'submit')).body.status).toBe('submitted');
    expect((await act(owner.accessToken, work.id, 'withdraw')).body.status).toBe('withdrawn');
    expect((await act(owner.accessToken, work.id, 'redraft')).body.status).toBe('draft');
    expect((await act(owner.accessToken, work.id, 'submit')).body.status).toBe('submitted');
    const registered = await decide(work.id, { decision: 'registered', registrationNumber: 'TX 0001234567' });
    expect(registered.status).toBe(200);
    expect(registered.body).toMatchObject({ status: 'registered', registrationNumber: 'TX0001234567', registrationDate: expect.any(String) });

    const history = await api.call('GET', `/v1/copyrights/${work.id}/history`, { token: owner.accessToken });
    expect(history.status).toBe(200);
    const entries = history.body.data as Array<{ action: string; fromStatus: string | null; toStatus: string | null; actorId: string; changedFields: string[] }>;
    expect(entries.map((e) => [e.action, e.fromStatus, e.toStatus])).toEqual([
      ['create', null, 'draft'],
      ['update', 'draft', 'draft'],
      ['submit', 'draft', 'submitted'],
      ['withdraw', 'submitted', 'withdrawn'],
      ['redraft', 'withdrawn', 'draft'],
      ['submit', 'draft', 'submitted'],
      ['register', 'submitted', 'registered'],
    ]);
    expect(entries[1].changedFields).toEqual(['description']);
    expect(entries[6].actorId).toBe(admin.user.id);
    const audit = await sql.query<{ action: string }>(`SELECT action FROM audit_logs WHERE entity_id = $1 AND action NOT LIKE '%-request'`, [work.id]);
    expect(audit.rows.map((r) => r.action).sort()).toEqual(
      ['copyrights.create', 'copyrights.update', 'copyrights.submit', 'copyrights.withdraw', 'copyrights.redraft', 'copyrights.submit', 'copyrights.register'].sort(),
    );
  });

  it('answers every illegal transition with 409 problem+json naming the current state', async () => {
    const draft = await create(owner.accessToken);
    for (const action of ['withdraw', 'redraft']) {
      const res = await act(owner.accessToken, draft.id, action);
      expect(res.status).toBe(409);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      expect(res.body).toMatchObject({ currentStatus: 'draft' });
      expect(res.body.detail).toMatch(/draft/);
    }
    expect((await decide(draft.id, { decision: 'rejected' })).body).toMatchObject({ status: 409, currentStatus: 'draft' });

    await act(owner.accessToken, draft.id, 'submit');
    for (const action of ['submit', 'redraft']) expect((await act(owner.accessToken, draft.id, action)).body).toMatchObject({ status: 409, currentStatus: 'submitted' });
    expect((await api.call('PATCH', `/v1/copyrights/${draft.id}`, { token: owner.accessToken, body: { title: 'x' } })).body).toMatchObject({ status: 409, currentStatus: 'submitted' });
    expect((await api.call('DELETE', `/v1/copyrights/${draft.id}`, { token: owner.accessToken })).body).toMatchObject({ status: 409, currentStatus: 'submitted' });

    expect((await decide(draft.id, { decision: 'rejected', reason: 'not original' })).body).toMatchObject({ status: 'rejected', decisionReason: 'not original' });
    for (const action of ['submit', 'withdraw', 'redraft']) expect((await act(owner.accessToken, draft.id, action)).body).toMatchObject({ status: 409, currentStatus: 'rejected' });
    expect((await decide(draft.id, { decision: 'registered', registrationNumber: 'TX0000000009' })).body).toMatchObject({ status: 409, currentStatus: 'rejected' });

    const withdrawn = await create(owner.accessToken);
    await act(owner.accessToken, withdrawn.id, 'submit');
    await act(owner.accessToken, withdrawn.id, 'withdraw');
    for (const action of ['submit', 'withdraw']) expect((await act(owner.accessToken, withdrawn.id, action)).body).toMatchObject({ status: 409, currentStatus: 'withdrawn' });
    expect((await decide(withdrawn.id, { decision: 'rejected' })).body).toMatchObject({ status: 409, currentStatus: 'withdrawn' });
  });

  it('checks the registration number form by work type and keeps it unique', async () => {
    const song = await create(owner.accessToken, { ...base, title: 'Blue Song', workType: 'musical' });
    await act(owner.accessToken, song.id, 'submit');
    const wrongType = await decide(song.id, { decision: 'registered', registrationNumber: 'TX0000000001' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.errors).toEqual([expect.objectContaining({ field: 'registrationNumber' })]);
    expect((await decide(song.id, { decision: 'registered' })).status).toBe(400);
    expect((await decide(song.id, { decision: 'registered', registrationNumber: 'PAu0000000001' })).body).toMatchObject({ status: 'registered', registrationNumber: 'PAu0000000001' });

    const other = await create(stranger.accessToken, { ...base, title: 'Other Song', workType: 'dramatic' });
    await act(stranger.accessToken, other.id, 'submit');
    const taken = await decide(other.id, { decision: 'registered', registrationNumber: 'PAu0000000001' });
    expect(taken.status).toBe(409);
    expect((await api.call('GET', `/v1/copyrights/${other.id}`, { token: stranger.accessToken })).body.status).toBe('submitted');
    expect((await api.call('POST', `/v1/admin/copyrights/${other.id}/decision`, { token: owner.accessToken, body: { decision: 'rejected' } })).status).toBe(403);
  });

  it('computes the protection term for each rule', async () => {
    const cases: Array<[Record<string, unknown>, string | null, RegExp]> = [
      [{ authors: [{ name: 'A', deathYear: 1990 }, { name: 'B', deathYear: 2010 }] }, '2080-12-31', /last surviving/],
      [{ authors: [{ name: 'Studio', workMadeForHire: true }], creationDate: '1980-01-01', publicationDate: '1990-06-01' }, '2085-12-31', /95 years from publication/],
      [{ authors: [{ name: 'Studio', workMadeForHire: true }], creationDate: '1980-01-01', publicationDate: '2010-06-01' }, '2100-12-31', /120 years from creation/],
      [{ authors: [{ name: 'Nobody', role: 'anonymous' }], creationDate: '2000-01-01' }, '2120-12-31', /120 years from creation/],
      [{ authors: [{ name: 'Living Author' }] }, null, /unknown/],
      [{ authors: [{ name: 'Old', deathYear: 1950 }], creationDate: '1940-01-01' }, null, /^pre-1978: not computed$/],
    ];
    for (const [changes, endsOn, rule] of cases) {
      const work = await create(owner.accessToken, { ...base, ...changes });
      expect(work.protection.endsOn).toBe(endsOn);
      expect(work.protection.rule).toMatch(rule);
    }
  });

  it('validates dates and fields', async () => {
    const future = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    for (const body of [
      { ...base, creationDate: future },
      { ...base, publicationDate: '1998-01-01' },
      { ...base, publicationDate: future },
      { ...base, workType: 'poem' },
      { ...base, authors: [] },
      { ...base, creationDate: '1999-02-30' },
      { ...base, title: '' },
    ]) {
      const res = await api.call('POST', '/v1/copyrights', { token: owner.accessToken, body });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
    expect((await api.call('GET', '/v1/copyrights?cursor=nonsense', { token: owner.accessToken })).status).toBe(400);
    expect((await api.call('GET', '/v1/copyrights/not-a-uuid', { token: owner.accessToken })).status).toBe(400);
    expect((await api.call('GET', '/v1/copyrights')).status).toBe(401);
  });

  it('hides another user’s work everywhere (404)', async () => {
    const work = await create(owner.accessToken);
    for (const [method, path, body] of [
      ['GET', `/v1/copyrights/${work.id}`, undefined],
      ['PATCH', `/v1/copyrights/${work.id}`, { title: 'Mine now' }],
      ['DELETE', `/v1/copyrights/${work.id}`, undefined],
      ['POST', `/v1/copyrights/${work.id}/submit`, undefined],
      ['POST', `/v1/copyrights/${work.id}/withdraw`, undefined],
      ['GET', `/v1/copyrights/${work.id}/history`, undefined],
    ] as const) {
      expect((await api.call(method, path, { token: stranger.accessToken, body })).status).toBe(404);
    }
    const list = await api.call('GET', '/v1/copyrights?limit=100', { token: stranger.accessToken });
    expect((list.body.data as Work[]).some((w) => w.id === work.id)).toBe(false);
    expect((await api.call('GET', `/v1/copyrights/${work.id}`, { token: owner.accessToken })).body.title).toBe(base.title);
  });

  it('deletes drafts only (soft delete), then answers 404', async () => {
    const work = await create(owner.accessToken);
    expect((await api.call('DELETE', `/v1/copyrights/${work.id}`, { token: owner.accessToken })).status).toBe(204);
    expect((await api.call('GET', `/v1/copyrights/${work.id}`, { token: owner.accessToken })).status).toBe(404);
    const row = await sql.query('SELECT deleted_at FROM copyrights WHERE id = $1', [work.id]);
    expect(row.rows[0].deleted_at).not.toBeNull();
  });

  it('filters by metadata (jsonb containment) through the GIN index, and refuses a filter that is not a JSON object', async () => {
    const cataloguer = await api.register();
    const poem = await create(cataloguer.accessToken, { ...base, title: 'Salt Poems', metadata: { isbn: '978-0-306-40615-7', tags: ['poetry', 'sea'], edition: { number: 2 } } });
    const novel = await create(cataloguer.accessToken, { ...base, title: 'Long Novel', metadata: { isbn: '978-1-4028-9462-6', tags: ['novel'] } });
    const ids = async (filter: unknown) =>
      ((await api.call('GET', `/v1/copyrights?metadata=${encodeURIComponent(JSON.stringify(filter))}`, { token: cataloguer.accessToken })).body.data as Work[]).map((w) => w.id);
    expect(await ids({ isbn: '978-0-306-40615-7' })).toEqual([poem.id]);
    expect(await ids({ tags: ['sea'] })).toEqual([poem.id]);
    expect(await ids({ edition: { number: 2 } })).toEqual([poem.id]);
    expect(await ids({})).toEqual([novel.id, poem.id]);
    expect(await ids({ tags: ['drama'] })).toEqual([]);
    // Another user's metadata never matches the caller's list.
    expect(((await api.call('GET', `/v1/copyrights?metadata=${encodeURIComponent('{"tags":["sea"]}')}`, { token: stranger.accessToken })).body.data as Work[]).map((w) => w.id)).not.toContain(poem.id);
    for (const bad of ['not json', '[1,2]', '"text"', 'null', `{"k":"${'x'.repeat(2000)}"}`]) {
      const res = await api.call('GET', `/v1/copyrights?metadata=${encodeURIComponent(bad)}`, { token: cataloguer.accessToken });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'metadata' })]);
    }

    // The list query with a selective metadata filter reads the GIN index (with the owner's rows many).
    await sql.query(`INSERT INTO copyrights (user_id, title, work_type, creation_date, metadata)
      SELECT $1, 'Catalogue ' || g, 'literary', '2000-01-01', jsonb_build_object('isbn', 'filler-' || g, 'tags', jsonb_build_array('filler'))
      FROM generate_series(1, 5000) g`, [cataloguer.user.id]);
    await sql.query('VACUUM ANALYZE copyrights');
    const plan = JSON.stringify(
      (await sql.query(`EXPLAIN (FORMAT JSON) SELECT id FROM copyrights WHERE deleted_at IS NULL AND user_id = $1 AND metadata @> '{"isbn": "978-0-306-40615-7"}'::jsonb ORDER BY created_at DESC, id DESC LIMIT 21`, [cataloguer.user.id])).rows,
    );
    expect(plan).toContain('copyrights_metadata_idx');
    expect(await ids({ isbn: '978-0-306-40615-7' })).toEqual([poem.id]);
  });

  it('lists and filters with cursor pagination; each list query uses its index', async () => {
    const lister = await api.register();
    const made: Work[] = [];
    for (let i = 0; i < 5; i++) {
      made.push(await create(lister.accessToken, { ...base, title: `Harbour Lights ${i}`, workType: i % 2 ? 'visual' : 'literary', authors: [{ name: i === 3 ? 'Grace Painter' : 'Ada Writer' }], creationDate: `200${i}-01-01` }));
    }
    await act(lister.accessToken, made[1].id, 'submit');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await api.call('GET', `/v1/copyrights?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: lister.accessToken });
      seen.push(...(res.body.data as Work[]).map((w) => w.id));
      cursor = res.body.nextCursor as string | null;
    } while (cursor);
    expect(seen).toEqual(made.map((w) => w.id).reverse());

    const ids = async (query: string) => ((await api.call('GET', `/v1/copyrights?${query}`, { token: lister.accessToken })).body.data as Work[]).map((w) => w.id);
    expect(await ids('status=submitted')).toEqual([made[1].id]);
    expect(await ids('workType=visual')).toEqual([made[3].id, made[1].id]);
    expect(await ids('q=lights%203')).toEqual([made[3].id]);
    expect(await ids(`author=${encodeURIComponent('Grace Painter')}`)).toEqual([made[3].id]);
    expect(await ids('createdFrom=2001-01-01&createdTo=2002-12-31')).toEqual([made[2].id, made[1].id]);

    // Enough rows (the lister's too) that the planner prefers indexes, then EXPLAIN the queries the list runs.
    await sql.query(`INSERT INTO copyrights (user_id, title, work_type, creation_date, status, authors)
      SELECT u.id, 'Filler ' || g, (ARRAY['literary','visual','musical'])[1 + g % 3], '2000-01-01', (ARRAY['draft','submitted'])[1 + g % 2], jsonb_build_array(jsonb_build_object('name', 'Filler ' || g))
      FROM users u CROSS JOIN generate_series(1, 4000) g WHERE u.id = ANY($1)`, [[lister.user.id, stranger.user.id]]);
    // VACUUM: it also moves the GIN indexes' pending lists into the trees, which the planner costs as such.
    await sql.query('VACUUM ANALYZE copyrights');
    const plan = async (where: string) =>
      JSON.stringify((await sql.query(`EXPLAIN (FORMAT JSON) SELECT id FROM copyrights WHERE deleted_at IS NULL AND user_id = $1 ${where} ORDER BY created_at DESC, id DESC LIMIT 21`, [lister.user.id])).rows);
    expect(await plan('')).toContain('copyrights_user_id_created_at_idx');
    expect(await plan(`AND status = 'submitted'`)).toContain('copyrights_user_id_status_created_at_idx');
    expect(await plan(`AND work_type = 'visual'`)).toContain('copyrights_user_id_work_type_created_at_idx');
    const search = async (where: string) => JSON.stringify((await sql.query(`EXPLAIN (FORMAT JSON) SELECT id FROM copyrights WHERE ${where}`)).rows);
    expect(await search(`title ILIKE '%harbour lights%'`)).toContain('copyrights_title_trgm_idx');
    expect(await search(`authors @> '[{"name": "Grace Painter"}]'::jsonb`)).toContain('copyrights_authors_idx');
    expect(await search(`metadata @> '{"isbn": "x"}'::jsonb`)).toContain('copyrights_metadata_idx');
  });
});
