import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationReference } from '../../src/bot/messenger';
import { startTestApp, type TestApp } from '../helpers/app';

/**
 * The Messenger's channel side: an address of another channel is reached through the adapter and
 * the channel's own connector (here a channel service of the test's own on a loopback port, as the
 * Bot Framework Emulator has one).
 */
describe('Messenger to a channel address', () => {
  let t: TestApp;
  let channel: Server;
  let serviceUrl = '';
  const requests: Array<{ method: string; path: string; body: Record<string, unknown> }> = [];
  beforeAll(async () => {
    channel = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      req.on('end', () => {
        requests.push({ method: req.method ?? '', path: req.url ?? '', body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {} });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ id: 'channel-activity-1' }));
      });
    });
    await new Promise<void>((resolve) => channel.listen(0, '127.0.0.1', resolve));
    serviceUrl = `http://127.0.0.1:${(channel.address() as AddressInfo).port}/`;
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.stop();
    await new Promise((resolve) => channel.close(resolve));
  });

  it('sends through the adapter (resolving the channel’s id) and updates that activity in place', async () => {
    const address = { channelId: 'emulator', serviceUrl, conversation: { id: 'conv-42' }, user: { id: 'user-1' }, bot: { id: 'bot' } };
    const id = await t.app.messenger.send(address, { type: 'message', text: 'Ditt ärende är besvarat.' });
    expect(id).toBe('channel-activity-1');
    await t.app.messenger.update(address, 'channel-activity-1', { type: 'message', text: 'Ditt ärende är stängt.' });
    // botbuilder's proactive turn "replies" to the continuation activity it makes up.
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      expect.stringMatching(/^POST \/v3\/conversations\/conv-42\/activities(\/[\w-]+)?$/),
      'PUT /v3/conversations/conv-42/activities/channel-activity-1',
    ]);
    expect(requests[0]?.body).toMatchObject({ type: 'message', text: 'Ditt ärende är besvarat.', conversation: { id: 'conv-42' }, recipient: { id: 'user-1' } });
    expect(requests[1]?.body).toMatchObject({ id: 'channel-activity-1', text: 'Ditt ärende är stängt.' });
  });

  it('reads a stored address field by field: what is not a conversation reference is refused before anything is sent', () => {
    expect(() => conversationReference({ channelId: 'msteams', serviceUrl: 'https://smba.example/', conversation: {} })).toThrow(/conversation\.id/);
    expect(conversationReference({ channelId: 'msteams', serviceUrl: 'https://smba.example/', conversation: { id: 'c', tenantId: 't' }, teamId: 'x' })).toEqual({
      channelId: 'msteams',
      serviceUrl: 'https://smba.example/',
      conversation: { id: 'c', tenantId: 't', isGroup: false, conversationType: '', name: '' },
    });
  });
});
