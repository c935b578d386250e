import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { addStaff } from '../helpers/staff';
import { createApiKey } from '../../src/domain/staff/apiKeys';
import type { FeedbackItem } from '../../src/domain/feedback/types';

/** Stores a suggestion the way the chat does (masked, tagged, routed). */
async function suggest(t: TestApp, municipality: string, text: string, key: string): Promise<FeedbackItem> {
  const understanding = await t.app.feedback.understand(municipality, text, 'sv');
  const result = await t.app.feedback.submit({
    municipality,
    text,
    kind: 'suggestion',
    language: 'sv',
    focusArea: understanding.tag.focusArea,
    tag: understanding.tag,
    topic: understanding.topic,
    user: { channelId: 'test', userId: `u-${key}` },
    sourceKey: key,
  });
  if (result.status !== 'stored') throw new Error('not stored');
  const stored = await t.app.store.feedback.get(municipality, result.item.id);
  if (!stored) throw new Error('missing');
  return stored;
}

describe('staff API', () => {
  let t: TestApp;
  let moraToken: string;
  let viewerToken: string;
  let borlangeToken: string;
  let competence: FeedbackItem;
  let xss: FeedbackItem;
  let borlangeItem: FeedbackItem;
  const get = (path: string, token?: string) => fetch(`${t.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const post = (path: string, token: string, body: unknown) =>
    fetch(`${t.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    t = await startTestApp();
    moraToken = (await addStaff(t.app.store, { name: 'Sara Lind' })).token;
    viewerToken = (await addStaff(t.app.store, { name: 'Viktor Visare', role: 'viewer' })).token;
    borlangeToken = (await addStaff(t.app.store, { name: 'Bo Borlänge', municipalities: ['borlange'] })).token;
    competence = await suggest(t, 'mora', 'Vi behöver fler lärlingsplatser och yrkesutbildning för svetsare på gymnasiet', 'k1');
    xss = await suggest(t, 'mora', '<img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> parkeringen vid torget', 'k2');
    borlangeItem = await suggest(t, 'borlange', 'Mer trygghet och belysning i industriområdet, det har varit inbrott', 'k3');
  });
  afterAll(async () => {
    await t.stop();
  });

  it('routes a new item to its team by the pack\'s rules and records why', () => {
    expect(competence.assignment).toMatchObject({ team: 'kompetens', reason: expect.stringContaining('mora.competence') });
    expect(competence.history.some((h) => h.action === 'assigned' && h.to === 'kompetens')).toBe(true);
  });

  it('refuses requests without a valid token (401)', async () => {
    expect((await get('/api/staff/items')).status).toBe(401);
    expect((await get('/api/staff/items', 'fls_not-a-real-token')).status).toBe(401);
  });

  it('shows a municipality\'s items only to its own staff (403 otherwise)', async () => {
    const mine = (await (await get('/api/staff/items', moraToken)).json()) as { items: FeedbackItem[] };
    expect(mine.items.map((i) => i.reference).sort()).toEqual([competence.reference, xss.reference].sort());
    expect(JSON.stringify(mine)).not.toContain(borlangeItem.reference);
    expect((await get('/api/staff/items?municipality=borlange', moraToken)).status).toBe(403);
    expect((await get(`/api/staff/items/borlange/${borlangeItem.id}`, moraToken)).status).toBe(403);
    expect((await post(`/api/staff/items/borlange/${borlangeItem.id}/actions`, moraToken, { type: 'take' })).status).toBe(403);
    const theirs = (await (await get('/api/staff/items', borlangeToken)).json()) as { items: FeedbackItem[] };
    expect(theirs.items.map((i) => i.reference)).toEqual([borlangeItem.reference]);
  });

  it('filters by team, status and text', async () => {
    const byTeam = (await (await get('/api/staff/items?team=kompetens', moraToken)).json()) as { items: FeedbackItem[] };
    expect(byTeam.items.map((i) => i.id)).toEqual([competence.id]);
    const byText = (await (await get('/api/staff/items?q=svetsare', moraToken)).json()) as { items: FeedbackItem[] };
    expect(byText.items.map((i) => i.id)).toEqual([competence.id]);
    const bad = await get('/api/staff/items?status=unknown', moraToken);
    expect(bad.status).toBe(400);
  });

  it('lets a handler take, re-tag, answer and close, with history; a viewer may only look', async () => {
    const path = `/api/staff/items/mora/${xss.id}/actions`;
    expect((await post(path, viewerToken, { type: 'take' })).status).toBe(403);
    const taken = (await (await post(path, moraToken, { type: 'take' })).json()) as FeedbackItem;
    expect(taken.status).toBe('received');
    expect(taken.firstResponseAt).toBeDefined();
    const retagged = (await (await post(path, moraToken, { type: 'retag', focusArea: 'mora.business-contacts', topic: 'public-space' })).json()) as FeedbackItem;
    expect(retagged).toMatchObject({ focusArea: 'mora.business-contacts', secondaryArea: 'mora.infrastructure-planning', topic: 'public-space', focusConfidence: 1 });
    const answered = await post(path, moraToken, { type: 'answer', text: 'Tack, vi ser över parkeringen.' });
    expect(answered.status).toBe(200);
    const closed = (await (await post(path, moraToken, { type: 'status', status: 'done', outcome: 'Tio nya p-platser vid torget.' })).json()) as FeedbackItem;
    expect(closed).toMatchObject({ status: 'done', outcome: 'Tio nya p-platser vid torget.' });
    expect(closed.history.map((h) => h.action)).toEqual(expect.arrayContaining(['created', 'assigned', 'status', 'retagged', 'answered']));
    expect((await post(path, moraToken, { type: 'retag', focusArea: 'borlange.enabler' })).status).toBe(400);
    expect((await post(path, moraToken, { type: 'nonsense' })).status).toBe(400);
  });

  it('marks a duplicate: closed, pointing at the original, which gains a support', async () => {
    const dup = await suggest(t, 'mora', 'Fler lärlingsplatser för svetsare behövs', 'k4');
    const response = await post(`/api/staff/items/mora/${dup.id}/actions`, moraToken, { type: 'duplicate', of: competence.reference });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'closed', duplicateOf: competence.reference });
    expect((await t.app.store.feedback.get('mora', competence.id))?.supports).toBe(1);
    expect((await post(`/api/staff/items/mora/${dup.id}/actions`, moraToken, { type: 'duplicate', of: 'MORA-1999-999999' })).status).toBe(400);
  });

  it('pages the inbox with limit and next, across municipalities, with text search still applied', async () => {
    const admin = (await addStaff(t.app.store, { name: 'Alva Admin', role: 'admin', municipalities: ['mora', 'borlange'] })).token;
    const all = (await (await get('/api/staff/items', admin)).json()) as { items: FeedbackItem[]; next: string | null };
    expect(all.next).toBeNull();
    const seen: string[] = [];
    let next: string | null = null;
    for (let pages = 0; pages < 10; pages += 1) {
      const response = await get(`/api/staff/items?limit=1${next ? `&cursor=${next}` : ''}`, admin);
      expect(response.status).toBe(200);
      const page = (await response.json()) as { count: number; items: FeedbackItem[]; next: string | null };
      expect(page.count).toBeLessThanOrEqual(1);
      seen.push(...page.items.map((i) => i.reference));
      next = page.next;
      if (!next) break;
    }
    expect(seen).toEqual(all.items.map((i) => i.reference));
    expect(seen).toEqual(expect.arrayContaining([competence.reference, borlangeItem.reference]));
    const searched = (await (await get('/api/staff/items?limit=1&q=belysning', admin)).json()) as { items: FeedbackItem[]; next: string | null };
    expect(searched.items.map((i) => i.reference)).toEqual([borlangeItem.reference]);
    expect((await get('/api/staff/items?cursor=not%20a%20cursor', admin)).status).toBe(400);
  });

  it('exports the filtered view as CSV and JSON Lines', async () => {
    const csv = await (await get('/api/staff/items?format=csv', moraToken)).text();
    expect(csv.split('\r\n')[0]).toBe('id,reference,municipality,kind,text,focusArea,secondaryArea,topic,confidence,serviceFactor,status,supports,createdAt');
    expect(csv).toContain(competence.reference);
    const jsonl = await (await get('/api/staff/items?format=jsonl', moraToken)).text();
    expect(jsonl.trim().split('\n').map((l) => (JSON.parse(l) as { reference: string }).reference)).toContain(competence.reference);
  });

  it('follows up per focus area and month', async () => {
    const body = (await (await get('/api/staff/followup?municipality=mora', moraToken)).json()) as {
      totals: { items: number; handled: number };
      rows: Array<{ focusArea: string; count: number; handledShare: number }>;
      themes: Array<{ focusArea: string; count: number }>;
    };
    expect(body.totals.items).toBe(3);
    expect(body.totals.handled).toBe(2);
    const competenceRow = body.rows.find((r) => r.focusArea === 'mora.competence');
    expect(competenceRow).toMatchObject({ count: 2, handledShare: 0.5 });
    expect(body.themes.map((th) => th.focusArea)).toEqual(expect.arrayContaining(['mora.competence', 'mora.infrastructure-planning']));
  });

  it('serves the OpenAPI description', async () => {
    const spec = (await (await get('/api/staff/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toContain('/api/staff/items/{municipality}/{id}/actions');
  });

  it('speaks Open311 GeoReport v2: services, requests without personal data, and submission', async () => {
    const services = (await (await get('/open311/v2/services.json?jurisdiction_id=mora')).json()) as Array<{ service_code: string }>;
    expect(services.map((s) => s.service_code)).toEqual(expect.arrayContaining(['mora.competence', 'mora.business-contacts']));
    const requests = (await (await get('/open311/v2/requests.json?jurisdiction_id=mora&status=closed')).json()) as Array<{ service_request_id: string; status: string }>;
    expect(requests.every((r) => r.status === 'closed')).toBe(true);
    expect(requests.map((r) => r.service_request_id)).toContain(xss.reference);
    const { key, record } = createApiKey('mora', 'test system', new Date());
    await t.app.store.apiKeys.put(record);
    const form = new URLSearchParams({ jurisdiction_id: 'mora', service_code: 'mora.networks-development', description: 'Fler frukostmöten för företagare, ring 070-123 45 67', api_key: key });
    const created = await fetch(`${t.url}/open311/v2/requests.json`, { method: 'POST', body: form, headers: { 'idempotency-key': 'o311-1' } });
    expect(created.status).toBe(201);
    const service_request_id = ((await created.json()) as Array<{ service_request_id: string }>)[0]?.service_request_id ?? "";
    const one = (await (await get(`/open311/v2/requests/${service_request_id}.json?jurisdiction_id=mora`)).json()) as Array<{ description: string; status: string }>;
    expect(one[0]).toMatchObject({ status: 'open' });
    expect(one[0]?.description).not.toContain('070-123');
    expect((await get('/open311/v2/services.json?jurisdiction_id=atlantis')).status).toBe(404);
  });
});
