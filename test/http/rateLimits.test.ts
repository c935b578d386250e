import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageActivity, startTestApp, type TestApp } from '../helpers/app';
import { Client } from '../helpers/directLine';
import { addStaff } from '../helpers/staff';
import { createApiKey } from '../../src/domain/staff/apiKeys';

/** Sends `n` requests one after another; returns the statuses and the 429 responses' details. */
async function burst(n: number, send: (i: number) => Promise<Response>) {
  const statuses: number[] = [];
  const limited: Array<{ retryAfter: string | null; body: unknown }> = [];
  for (let i = 0; i < n; i += 1) {
    const response = await send(i);
    statuses.push(response.status);
    const text = await response.text();
    if (response.status === 429) limited.push({ retryAfter: response.headers.get('retry-after'), body: text ? JSON.parse(text) : undefined });
  }
  const accepted = statuses.filter((s) => s !== 429).length;
  return { statuses, limited, accepted };
}

const postMessage = (url: string, activity: Record<string, unknown>, headers: Record<string, string> = {}) =>
  fetch(`${url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ deliveryMode: 'expectReplies', ...activity }),
  });

function expectTooMany(limited: Array<{ retryAfter: string | null; body: unknown }>, windowSeconds = 60) {
  expect(limited.length).toBeGreaterThan(0);
  for (const l of limited) {
    expect(Number(l.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(l.retryAfter)).toBeLessThanOrEqual(windowSeconds);
  }
}

describe('rate limits per client IP on public writes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_IP_PER_MINUTE: '5', TRUST_PROXY: 'true' });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('POST /api/messages: a burst of 12 from one address gets 5 through, the rest 429 with Retry-After', async () => {
    const result = await burst(12, (i) => postMessage(t.url, messageActivity('hej', { conversation: { id: `ip-${i}` } }), { 'x-forwarded-for': '203.0.113.1' }));
    console.log(`/api/messages burst of 12: ${result.accepted} accepted`);
    expect(result.accepted).toBe(5);
    expect(result.statuses.slice(0, 5).every((s) => s === 200)).toBe(true);
    expectTooMany(result.limited);
    expect(result.limited[0]?.body).toMatchObject({ error: { code: 'TooManyRequests' } });
    // Another address is not affected.
    expect((await postMessage(t.url, messageActivity('hej', { conversation: { id: 'ip-other' } }), { 'x-forwarded-for': '203.0.113.2' })).status).toBe(200);
  });

  it('POST /webchat/session, /v3/directline/conversations and activities count as public writes', async () => {
    const headers = { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.3' };
    const sessions = await burst(8, () => fetch(`${t.url}/webchat/session`, { method: 'POST', headers, body: '{}' }));
    console.log(`/webchat/session burst of 8: ${sessions.accepted} accepted`);
    expect(sessions.accepted).toBe(5);
    expectTooMany(sessions.limited);
    expect(sessions.limited[0]?.body).toMatchObject({ error: { code: 'TooManyRequests' } });

    const client = await Client.open(t.url, {});
    const dl = { ...client.headers(), 'x-forwarded-for': '203.0.113.4' };
    const conversations = await burst(8, () => fetch(`${client.session.domain}/conversations`, { method: 'POST', headers: dl }));
    console.log(`/v3/directline/conversations burst of 8: ${conversations.accepted} accepted`);
    expect(conversations.accepted).toBe(5);
    expectTooMany(conversations.limited);
  });

  it('Open311 POST: 429 with Retry-After in GeoReport error format', async () => {
    const { key, record } = createApiKey('mora', 'test system', new Date());
    await t.app.store.apiKeys.put(record);
    const form = (i: number) => new URLSearchParams({ jurisdiction_id: 'mora', service_code: 'mora.networks-development', description: `Fler frukostmöten för företagare nummer ${i}`, api_key: key });
    const result = await burst(8, (i) => fetch(`${t.url}/open311/v2/requests.json`, { method: 'POST', body: form(i), headers: { 'x-forwarded-for': '203.0.113.5' } }));
    console.log(`Open311 POST burst of 8: ${result.accepted} accepted`);
    expect(result.accepted).toBe(5);
    expect(result.statuses.slice(0, 5)).toEqual([201, 201, 201, 201, 201]);
    expectTooMany(result.limited);
    expect(result.limited[0]?.body).toEqual([{ code: 429, description: expect.stringMatching(/too many/) }]);
  });
});

describe('rate limits per conversation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_CONVERSATION_PER_MINUTE: '3' });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('POST /api/messages: 3 activities a minute in one conversation, the others still answered', async () => {
    const result = await burst(7, () => postMessage(t.url, messageActivity('hej', { conversation: { id: 'conv-busy' } })));
    console.log(`one conversation, burst of 7: ${result.accepted} accepted`);
    expect(result.accepted).toBe(3);
    expectTooMany(result.limited);
    expect((await postMessage(t.url, messageActivity('hej', { conversation: { id: 'conv-calm' } }))).status).toBe(200);
  });

  it('Direct Line activities: 3 a minute in one conversation', async () => {
    const client = await Client.open(t.url, {});
    await client.start();
    const result = await burst(6, (i) => client.post({ type: 'message', text: `hej ${i}` }));
    client.close();
    console.log(`Direct Line conversation, burst of 6: ${result.accepted} accepted`);
    expect(result.accepted).toBe(3);
    expectTooMany(result.limited);
  });
});

describe('rate limits on failed staff sign-in', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_STAFF_AUTH_FAILURES: '3', TRUST_PROXY: 'true' });
    token = (await addStaff(t.app.store, { name: 'Sara Lind' })).token;
  });
  afterAll(async () => {
    await t.stop();
  });
  const me = (bearer: string, ip: string) => fetch(`${t.url}/api/staff/me`, { headers: { authorization: `Bearer ${bearer}`, 'x-forwarded-for': ip } });

  it('per address: after 3 wrong tokens, further tries (even a right one) wait with 429', async () => {
    const result = await burst(6, (i) => me(`wrong-${i}`, '198.51.100.1'));
    console.log(`wrong staff tokens from one address, burst of 6: ${result.accepted} answered 401`);
    expect(result.statuses).toEqual([401, 401, 401, 429, 429, 429]);
    expectTooMany(result.limited, 900);
    expect(result.limited[0]?.body).toMatchObject({ error: { code: 'TooManyRequests' } });
    expect((await me(token, '198.51.100.1')).status).toBe(429);
    expect((await me(token, '198.51.100.2')).status).toBe(200);
  });

  it('per presented token: the same wrong token from many addresses is blocked after 3 tries', async () => {
    const result = await burst(6, (i) => me('the-same-guess', `192.0.2.${i + 1}`));
    console.log(`one wrong staff token from 6 addresses: ${result.accepted} answered 401`);
    expect(result.statuses).toEqual([401, 401, 401, 429, 429, 429]);
    expect((await me(token, '192.0.2.99')).status).toBe(200);
  });
});
