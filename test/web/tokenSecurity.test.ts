import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { RESUME_GRACE_SECONDS, TOKEN_LIFETIME_SECONDS } from '../../src/web/tokens';
import { startTestApp, type TestApp } from '../helpers/app';

describe('web chat tokens: expiry is honoured', () => {
  let t: TestApp;
  let clock = new Date('2026-12-01T09:00:00.000Z');
  beforeAll(async () => {
    t = await startTestApp({}, { now: () => clock });
  });
  afterAll(async () => {
    await t.stop();
  });
  const session = async (resume?: string) => {
    const response = await fetch(`${t.url}/webchat/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(resume ? { resume } : {}) });
    expect(response.status).toBe(200);
    return (await response.json()) as { token: string; conversationId: string; resumed: boolean };
  };
  const start = (token: string) => fetch(`${t.url}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });

  it('an expired token resumes its conversation within the grace (one refresh interval), and not after it', async () => {
    clock = new Date('2026-12-01T09:00:00.000Z');
    const first = await session();
    expect((await start(first.token)).status).toBe(201);

    // Expired, within the grace: the conversation goes on, with a fresh token.
    clock = new Date(Date.parse('2026-12-01T09:00:00.000Z') + (TOKEN_LIFETIME_SECONDS + RESUME_GRACE_SECONDS - 60) * 1000);
    expect((await start(first.token)).status).toBe(403);
    const within = await session(first.token);
    expect(within).toMatchObject({ conversationId: first.conversationId, resumed: true });

    // A day later, the old token is no proof of anything: a new conversation.
    clock = new Date(Date.parse('2026-12-01T09:00:00.000Z') + 24 * 3600 * 1000);
    const later = await session(first.token);
    expect(later.conversationId).not.toBe(first.conversationId);
    expect(later.resumed).toBe(false);
    const read = await fetch(`${t.url}/v3/directline/conversations/${first.conversationId}/activities`, { headers: { authorization: `Bearer ${first.token}` } });
    expect(read.status).toBe(403);
  });
});

describe('web chat tokens: the signing secret is never stored', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('a generated secret stays in memory: nothing about it in the store, and an old stored one is removed', async () => {
    await t.app.store.kv.write({ 'webchat/token-secret': { secret: 'A'.repeat(43), eTag: '*' } });
    // A fresh app over the same store: the first session loads the signer.
    const again = await startTestApp({ SQLITE_PATH: join(t.dir, 'test.sqlite') });
    try {
      await t.app.stop();
      const response = await fetch(`${again.url}/webchat/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(response.status).toBe(200);
      expect(await again.app.store.kv.read(['webchat/token-secret'])).toEqual({});
      await again.app.stop();
      const db = new Database(join(t.dir, 'test.sqlite'), { readonly: true });
      const rows = db.prepare("SELECT id FROM documents WHERE id LIKE '%secret%' OR doc LIKE '%secret%'").all();
      db.close();
      expect(rows).toEqual([]);
    } finally {
      await again.stop();
    }
  });

  it('with an app id, WEBCHAT_TOKEN_SECRET is required (unless Azure Direct Line is used)', () => {
    const appEnv = { MicrosoftAppId: 'app', MicrosoftAppPassword: 'pw' };
    expect(() => loadConfig(appEnv)).toThrow(ConfigError);
    expect(() => loadConfig(appEnv)).toThrow(/WEBCHAT_TOKEN_SECRET: required when MicrosoftAppId is set/);
    expect(loadConfig({ ...appEnv, WEBCHAT_TOKEN_SECRET: 'a-test-secret-of-at-least-32-characters' }).webchat.tokenSecret).toBeDefined();
    expect(() => loadConfig({ ...appEnv, DIRECT_LINE_SECRET: 'dl' })).not.toThrow();
  });
});
