import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020';
import { startTestApp, type TestApp } from '../helpers/app';
import { addStaff } from '../helpers/staff';
import { createApiKey } from '../../src/domain/staff/apiKeys';
import { openApiPath, operationId, responseComponent } from '../../src/web/routes/openapi';

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; parameters: Array<{ name: string; in: string }>; responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> }>>;
  components: { schemas: Record<string, object>; securitySchemes: Record<string, object> };
};

describe('the OpenAPI document generated from the route table', () => {
  let t: TestApp;
  let doc: Doc;
  let token: string;
  let admin: string;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const checked = new Set<string>();

  /** Calls a route over HTTP and validates the answer against the document's schema for its path, method and status. */
  const call = async (method: 'get' | 'post', path: string, template: string, init: RequestInit = {}) => {
    const response = await fetch(`${t.url}${path}`, { method: method.toUpperCase(), ...init });
    const operation = doc.paths[template]?.[method];
    expect(operation, `${method} ${template} is in the document`).toBeDefined();
    const declared = operation?.responses[String(response.status)];
    expect(declared, `${method} ${template} declares ${response.status}`).toBeDefined();
    const ref = declared?.content?.['application/json']?.schema.$ref;
    const body: unknown = ref ? await response.json() : await response.text();
    if (ref) {
      const validate = ajv.getSchema(ref.replace('#/components/schemas/', 'c:'));
      expect(validate, ref).toBeDefined();
      const ok = validate?.(body);
      expect(ok, `${method} ${path} ${response.status}: ${JSON.stringify(validate?.errors)}`).toBe(true);
      checked.add(`${method} ${template} ${response.status}`);
    }
    return { status: response.status, body };
  };
  const bearer = (value: string) => ({ authorization: `Bearer ${value}` });
  const json = (value: string, body: unknown) => ({ headers: { ...bearer(value), 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    t = await startTestApp();
    token = (await addStaff(t.app.store, { name: 'Sara Lind' })).token;
    admin = (await addStaff(t.app.store, { name: 'Alva Admin', role: 'admin' })).token;
    doc = (await (await fetch(`${t.url}/api/staff/openapi.json`)).json()) as Doc;
    for (const [key, schema] of Object.entries(doc.components.schemas)) ajv.addSchema(schema, `c:${key}`);
  });
  afterAll(async () => {
    await t.stop();
  });

  it('is OpenAPI 3.1 whose every route has an operationId, declared path parameters and response schemas that compile as JSON Schema 2020-12', () => {
    expect(doc.openapi).toBe('3.1.0');
    const ids = new Set<string>();
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        expect(['get', 'post']).toContain(method);
        expect(ids.has(operation.operationId)).toBe(false);
        ids.add(operation.operationId);
        const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
        expect(operation.parameters.filter((p) => p.in === 'path').map((p) => p.name).sort()).toEqual(inPath.sort());
        expect(Object.keys(operation.responses).length).toBeGreaterThan(0);
      }
    }
    for (const key of Object.keys(doc.components.schemas)) expect(() => ajv.getSchema(`c:${key}`)).not.toThrow();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/healthz', '/api/staff/items/{municipality}/{id}/actions', '/open311/v2/requests.json', '/api/staff/privacy/{municipality}/{reference}/erase']));
    expect(doc.components.securitySchemes).toHaveProperty('staffToken');
    expect(doc.paths['/api/staff/items']?.get?.responses['429']).toBeDefined();
  });

  it('names its operations and components from the table', () => {
    const fake = { method: 'get' as const, path: '/api/staff/items/:municipality/:id' };
    expect(openApiPath(fake.path)).toBe('/api/staff/items/{municipality}/{id}');
    expect(operationId({ ...fake } as Parameters<typeof operationId>[0])).toBe('getApiStaffItemsMunicipalityId');
    expect(responseComponent({ ...fake } as Parameters<typeof responseComponent>[0], 200)).toBe('getApiStaffItemsMunicipalityId200');
  });

  it('matches live answers of the running app, route by route, success and error', async () => {
    await call('get', '/healthz', '/healthz');
    await call('get', '/api/staff/me', '/api/staff/me', { headers: bearer(token) });
    await call('get', '/api/staff/items', '/api/staff/items');
    expect((await call('get', '/api/staff/items?status=nope', '/api/staff/items', { headers: bearer(token) })).status).toBe(400);
    const { key, record } = createApiKey('mora', 'test', new Date());
    await t.app.store.apiKeys.put(record);
    const posted = await call('post', '/open311/v2/requests.json', '/open311/v2/requests.json', {
      body: new URLSearchParams({ jurisdiction_id: 'mora', service_code: 'mora.networks-development', description: 'Fler frukostmöten för företagare i centrum', api_key: key }),
    });
    expect(posted.status).toBe(201);
    await call('post', '/open311/v2/requests.json', '/open311/v2/requests.json', { body: new URLSearchParams({ jurisdiction_id: 'mora', service_code: 'x', description: 'Fler frukostmöten för företagare' }) });
    const reference = (posted.body as Array<{ service_request_id: string }>)[0]?.service_request_id ?? '';
    const page = await call('get', '/api/staff/items?limit=5', '/api/staff/items', { headers: bearer(token) });
    const item = (page.body as { items: Array<{ id: string }> }).items[0];
    expect(item).toBeDefined();
    await call('get', `/api/staff/items/mora/${item?.id}`, '/api/staff/items/{municipality}/{id}', { headers: bearer(token) });
    await call('get', '/api/staff/items/mora/nothing', '/api/staff/items/{municipality}/{id}', { headers: bearer(token) });
    await call('post', `/api/staff/items/mora/${item?.id}/actions`, '/api/staff/items/{municipality}/{id}/actions', { method: 'POST', ...json(token, { type: 'take' }) });
    await call('post', `/api/staff/items/borlange/${item?.id}/actions`, '/api/staff/items/{municipality}/{id}/actions', { method: 'POST', ...json(token, { type: 'take' }) });
    await call('get', '/api/staff/requests', '/api/staff/requests', { headers: bearer(token) });
    await call('get', '/api/staff/followup?municipality=mora', '/api/staff/followup', { headers: bearer(token) });
    await call('get', '/api/staff/focus-groups?municipality=mora', '/api/staff/focus-groups', { headers: bearer(token) });
    await call('get', '/api/staff/focus-groups/none', '/api/staff/focus-groups/{id}', { headers: bearer(token) });
    await call('post', '/api/staff/digests/teams', '/api/staff/digests/teams', { method: 'POST', ...json(token, { municipality: 'mora' }) });
    await call('post', '/api/staff/digests/you-said-we-did', '/api/staff/digests/you-said-we-did', { method: 'POST', ...json(token, { municipality: 'mora' }) });
    await call('get', `/api/staff/privacy/mora/${reference}`, '/api/staff/privacy/{municipality}/{reference}', { headers: bearer(admin) });
    await call('get', `/api/staff/privacy/mora/${reference}`, '/api/staff/privacy/{municipality}/{reference}', { headers: bearer(token) });
    await call('get', '/open311/v2/services.json?jurisdiction_id=mora', '/open311/v2/services.json');
    await call('get', '/open311/v2/services.json?jurisdiction_id=atlantis', '/open311/v2/services.json');
    await call('get', '/open311/v2/requests.json?jurisdiction_id=mora', '/open311/v2/requests.json');
    await call('get', `/open311/v2/requests/${reference}.json?jurisdiction_id=mora`, '/open311/v2/requests/{reference}');
    await call('get', '/api/staff/openapi.json', '/api/staff/openapi.json');
    // The built-in web chat: session and Direct Line routes are in the same table and document.
    const session = await call('post', '/webchat/session', '/webchat/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ municipality: 'mora' }) });
    const { token: chat, conversationId } = session.body as { token: string; conversationId: string };
    await call('post', '/webchat/session', '/webchat/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ municipality: 'atlantis' }) });
    expect((await call('post', '/v3/directline/conversations', '/v3/directline/conversations', { method: 'POST', headers: bearer(chat) })).status).toBe(201);
    await call('get', `/v3/directline/conversations/${conversationId}`, '/v3/directline/conversations/{conversationId}', { headers: bearer(chat) });
    const activities = `/v3/directline/conversations/${conversationId}/activities`;
    const template = '/v3/directline/conversations/{conversationId}/activities';
    expect((await call('post', activities, template, { method: 'POST', ...json(chat, { type: 'message', text: 'hur söker jag bygglov?' }) })).status).toBe(200);
    expect((await call('post', activities, template, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
    expect((await call('get', `${activities}?watermark=0`, template, { headers: bearer(chat) })).status).toBe(200);
    await call('post', '/v3/directline/tokens/refresh', '/v3/directline/tokens/refresh', { method: 'POST', headers: bearer(chat) });
    expect(checked.size).toBeGreaterThanOrEqual(28);
  });

  it('answers 400 naming the field when the input does not parse', async () => {
    const response = await fetch(`${t.url}/api/staff/items/mora/x/actions`, { method: 'POST', ...json(token, { type: 'status', status: 'finished' }) });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string; details: string[] } };
    expect(body.error.message).toBe('invalid body: status');
    expect(body.error.details).toEqual([expect.stringMatching(/^status: /)]);
  });
});
