import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { ask, messageActivity, startTestApp, visibleText, type TestApp } from '../helpers/app';
import { addStaff } from '../helpers/staff';

describe('authentication off: local only', () => {
  it('binds 127.0.0.1 unless HOST is set (0.0.0.0 by default with an app id)', async () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig({ MicrosoftAppId: 'app', MicrosoftAppPassword: 'secret', WEBCHAT_TOKEN_SECRET: 'a-test-secret-of-at-least-32-characters' }).host).toBe('0.0.0.0');
    const t = await startTestApp({ HOST: '' });
    try {
      expect((t.app.http.server.address()).address).toBe('127.0.0.1');
    } finally {
      await t.stop();
    }
  });
});

describe('authentication off: serviceUrl and aadObjectId are not trusted', () => {
  let t: TestApp;
  let channel: Server;
  let channelPort = 0;
  const received: Array<{ url: string; body: string }> = [];
  beforeAll(async () => {
    // A stand-in for whatever a serviceUrl points to: records every request the bot makes to it.
    channel = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ url: req.url ?? '', body });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'reply-1' }));
      });
    });
    await new Promise<void>((resolve) => channel.listen(0, '0.0.0.0', resolve));
    channelPort = (channel.address() as AddressInfo).port;
    t = await startTestApp();
    await addStaff(t.app.store, { name: 'Sara Lind', aadObjectId: 'aad-sara' });
  });
  afterAll(async () => {
    await t.stop();
    await new Promise((resolve) => channel.close(resolve));
  });

  const post = (activity: Record<string, unknown>) =>
    fetch(`${t.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });

  it('refuses an activity whose serviceUrl is not loopback with 403, before the bot posts anything', async () => {
    for (const serviceUrl of [`http://0.0.0.0:${channelPort}/`, 'http://169.254.169.254/latest/meta-data/', 'https://smba.trafficmanager.net/emea/', `http://127.0.0.1.example.com:${channelPort}/`]) {
      const response = await post(messageActivity('hej', { serviceUrl, conversation: { id: `ssrf-${serviceUrl}` } }));
      expect(response.status, serviceUrl).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('ServiceUrlNotAllowed');
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received).toEqual([]);
  });

  it('still posts replies to a loopback serviceUrl (the Emulator)', async () => {
    const response = await post(messageActivity('hej', { serviceUrl: `http://127.0.0.1:${channelPort}/`, conversation: { id: 'emulator-conv' } }));
    expect(response.status).toBe(200);
    for (let i = 0; i < 100 && received.length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received[0]?.url).toMatch(/^\/v3\/conversations\/emulator-conv\/activities/);
  });

  it('treats from.aadObjectId of an unauthenticated activity as an unknown user (staff channel registration)', async () => {
    const replies = await ask(
      t.url,
      messageActivity('<at>Företagslotsen</at> registrera kanal kompetens', {
        channelId: 'msteams',
        conversation: { id: '19:kompetens@thread.tacv2', conversationType: 'channel' },
        from: { id: '29:sara', name: 'Sara', aadObjectId: 'aad-sara' },
        entities: [{ type: 'mention', text: '<at>Företagslotsen</at>', mentioned: { id: 'bot', name: 'Företagslotsen' } }],
      }),
    );
    expect(replies.status).toBe(200);
    expect(visibleText(replies.activities)).toMatch(/inte behörighet/);
    expect(visibleText(replies.activities)).not.toContain('aad-sara');
    expect(await t.app.store.channels.get('mora', 'kompetens')).toBeUndefined();
  });

  it('treats from.aadObjectId of an unauthenticated activity as an unknown user (focus group facilitator)', async () => {
    const replies = await ask(t.url, messageActivity('starta fokusgrupp focus-group-bygglov', { from: { id: 'f-1', name: 'Sara', aadObjectId: 'aad-sara' }, conversation: { id: 'conv-f' } }));
    expect(visibleText(replies.activities)).toContain('Bara samtalsledare');
    expect(await t.app.focusGroups.sessions('mora')).toEqual([]);
  });
});
