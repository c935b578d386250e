import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowConsoleError } from '../setup';
import { ask, messageActivity, startTestApp, visibleText, type TestApp } from '../helpers/app';

describe('POST /api/messages (auth off)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('answers a Swedish question with the scenario checklist, in the HTTP response (expectReplies)', async () => {
    const replies = await ask(t.url, messageActivity('ska öppna pizzeria, vad behöver jag?'));
    expect(replies.status).toBe(200);
    const text = visibleText(replies.activities);
    expect(text).toMatch(/restaurang/i);
    expect(text).toMatch(/serveringstillstånd|livsmedel/i);
    expect(text).toContain('Hjälpte det här?');
  });

  it('answers in English when asked in English', async () => {
    const replies = await ask(t.url, messageActivity('how do I get a licence to serve alcohol in my restaurant?', { conversation: { id: 'conv-en' } }));
    expect(replies.status).toBe(200);
    const text = visibleText(replies.activities);
    expect(text).toContain('Did this help?');
    expect(text).toMatch(/alcohol|serving licence/i);
  });

  it('uses the pack chosen by channelData.municipality', async () => {
    const replies = await ask(
      t.url,
      messageActivity('var söker jag bygglov?', { conversation: { id: 'conv-borl' }, channelData: { municipality: 'borlange' } }),
    );
    expect(visibleText(replies.activities)).toMatch(/0243/);
  });

  it('answers a crisis at once with 112 and help lines', async () => {
    const replies = await ask(t.url, messageActivity('jag orkar inte mer, jag vill ta livet av mig', { conversation: { id: 'conv-crisis' } }));
    const text = visibleText(replies.activities);
    expect(text).toContain('112');
    expect(text).not.toContain('Hjälpte det här?');
  });

  it('rejects a body that is not JSON with 400 and a clear message, and keeps serving', async () => {
    const response = await fetch(`${t.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type": "message", ' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/not valid JSON/);
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('rejects an activity without the fields a channel must send, naming them', async () => {
    const response = await fetch(`${t.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'hej' }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; details: unknown } };
    expect(body.error.code).toBe('BadActivity');
    expect(JSON.stringify(body.error.details)).toMatch(/conversation|serviceUrl|channelId/);
    const again = await ask(t.url, messageActivity('hur registrerar jag ett café?', { conversation: { id: 'conv-after-bad' } }));
    expect(again.status).toBe(200);
    expect(again.activities.length).toBeGreaterThan(0);
  });

  it('GET /healthz reports the store, the packs and the version', async () => {
    const response = await fetch(`${t.url}/healthz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; store: { ok: boolean; kind: string }; packs: string[]; version: string };
    expect(body.status).toBe('ok');
    expect(body.store).toMatchObject({ ok: true, kind: 'sqlite' });
    expect(body.packs.sort()).toEqual(['borlange', 'hallstahammar', 'hedemora', 'mora']);
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('POST /api/messages (auth on)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ MicrosoftAppId: randomUUID(), MicrosoftAppPassword: 'not-a-real-secret', MicrosoftAppType: 'MultiTenant', WEBCHAT_TOKEN_SECRET: 'a-test-secret-of-at-least-32-characters' });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('rejects a request without a token with 401', async () => {
    allowConsoleError();
    const replies = await ask(t.url, messageActivity('hej'));
    expect(replies.status).toBe(401);
  });

  it('rejects a forged bearer token with 401', async () => {
    allowConsoleError();
    const replies = await ask(t.url, messageActivity('hej'), { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0.' });
    expect(replies.status).toBe(401);
  });
});
