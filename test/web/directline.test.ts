import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { Client, cardText, fromBot, type Activity } from '../helpers/directLine';


describe('web chat over the local Direct Line', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('welcomes, echoes the user and answers on the stream; the sender is the token user, not what the page claims', async () => {
    const client = await Client.open(t.url);
    const { status } = await client.start();
    expect(status).toBe(201);
    await client.waitFor((a) => fromBot(a) && a.type === 'message');
    const posted = await client.post({ type: 'message', text: 'Hur söker jag serveringstillstånd?' });
    expect(posted.status).toBe(200);
    const { id } = (await posted.json()) as { id: string };
    const echo = await client.waitFor((a) => a.id === id);
    expect(echo.from.id).toBe(client.session.userId);
    const answer = await client.waitFor((a) => fromBot(a) && /serveringstillst/i.test(cardText(a)) && /alkohol/i.test(cardText(a)));
    expect(cardText(answer)).toMatch(/0250[-\u2011]260[ \u00a0]00|mora\.se/);
    client.close();
  });

  it('opens another municipality on request and refuses an unknown one', async () => {
    const client = await Client.open(t.url, { municipality: 'borlange' });
    expect(client.session.municipality).toBe('borlange');
    await client.start();
    await client.post({ type: 'message', text: 'serveringstillstand' });
    const answer = await client.waitFor((a) => fromBot(a) && /serveringstillst/i.test(cardText(a)) && /0243/.test(cardText(a)));
    expect(answer).toBeDefined();
    client.close();
    const unknown = await fetch(`${t.url}/webchat/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"municipality":"atlantis"}' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(/atlantis.*mora/);
  });

  it('resumes the same conversation with its history for a returning browser', async () => {
    const first = await Client.open(t.url);
    await first.start();
    await first.post({ type: 'message', text: 'food truck' });
    await first.waitFor((a) => fromBot(a) && /livsmedel|food/i.test(cardText(a)));
    first.close();
    const again = await Client.open(t.url, { resume: first.session.token });
    expect(again.session).toMatchObject({ conversationId: first.session.conversationId, userId: first.session.userId, resumed: true });
    expect(again.session.token).not.toBe(first.session.token);
    await again.start();
    await again.waitFor((a) => a.text === 'food truck');
    const history = await fetch(`${again.session.domain}/conversations/${again.session.conversationId}/activities?watermark=0`, { headers: again.headers() });
    const set = (await history.json()) as { activities: Activity[]; watermark: string };
    expect(set.activities.some((a) => a.text === 'food truck')).toBe(true);
    expect(Number(set.watermark)).toBeGreaterThanOrEqual(set.activities.length);
    again.close();
  });

  it('pushes a message the bot sends later on its own (proactive) to the open page, through the Messenger', async () => {
    const client = await Client.open(t.url);
    await client.start();
    await client.waitFor((a) => fromBot(a));
    // The address as a dialog keeps it (a conversation reference of a local turn, as plain JSON).
    const address = {
      channelId: 'webchat-local',
      serviceUrl: 'https://local.foretagslotsen.invalid/',
      conversation: { id: client.session.conversationId },
      user: { id: client.session.userId },
      bot: { id: 'foretagslotsen', name: 'Företagslotsen' },
    };
    const id = await t.app.messenger.send(address, { type: 'message', text: 'Ditt förslag MORA-2026-000001 är nu under behandling.' });
    const pushed = await client.waitFor((a) => a.text === 'Ditt förslag MORA-2026-000001 är nu under behandling.');
    expect(pushed.id).toBe(id);
    expect(fromBot(pushed)).toBe(true);
    // Kept in the transcript too: a page opened later gets it.
    const history = await fetch(`${client.session.domain}/conversations/${client.session.conversationId}/activities`, { headers: client.headers() });
    const { activities } = (await history.json()) as { activities: Activity[] };
    expect(activities.map((a) => a.id)).toContain(id);

    await t.app.messenger.update(address, id ?? '', { type: 'message', text: 'Ditt förslag MORA-2026-000001 är nu besvarat.' });
    const replaced = await client.waitFor((a) => a.text === 'Ditt förslag MORA-2026-000001 är nu besvarat.');
    expect(replaced.id).toBe(id);
    client.close();
  });

  it('a proactive message to a conversation that is not a conversation reference is refused, not sent anywhere', async () => {
    await expect(t.app.messenger.send({ channelId: 'webchat-local' }, { type: 'message', text: 'x' })).rejects.toThrow(/not a conversation address/);
  });

  it('rejects missing, forged and foreign tokens, and bad activities, with clear errors', async () => {
    const a = await Client.open(t.url);
    const b = await Client.open(t.url);
    await a.start();
    const noToken = await fetch(`${a.session.domain}/conversations/${a.session.conversationId}/activities`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(noToken.status).toBe(401);
    const forged = await fetch(`${a.session.domain}/conversations/${a.session.conversationId}/activities`, {
      method: 'POST',
      headers: a.headers(`${a.session.token.slice(0, -4)}AAAA`),
      body: JSON.stringify({ type: 'message', text: 'hej' }),
    });
    expect(forged.status).toBe(403);
    const foreign = await fetch(`${a.session.domain}/conversations/${a.session.conversationId}/activities`, {
      method: 'POST',
      headers: b.headers(),
      body: JSON.stringify({ type: 'message', text: 'hej' }),
    });
    expect(foreign.status).toBe(403);
    const tooLong = await a.post({ type: 'message', text: 'x'.repeat(5000) });
    expect(tooLong.status).toBe(400);
    expect(JSON.stringify(await tooLong.json())).toMatch(/longer than 4000/);
    const upload = await a.post({ type: 'message', text: 'fil', attachments: [{ contentType: 'image/png' }] });
    expect(upload.status).toBe(400);
    const badJson = await fetch(`${a.session.domain}/conversations/${a.session.conversationId}/activities`, { method: 'POST', headers: a.headers(), body: '{"type":' });
    expect(badJson.status).toBe(400);
    // still serving
    expect((await a.post({ type: 'message', text: 'bygglov' })).status).toBe(200);
    a.close();
  });

  it('refreshes a token for the same conversation and user', async () => {
    const client = await Client.open(t.url);
    const response = await fetch(`${client.session.domain}/tokens/refresh`, { method: 'POST', headers: client.headers() });
    const body = (await response.json()) as { token: string; conversationId: string };
    expect(response.status).toBe(200);
    expect(body.conversationId).toBe(client.session.conversationId);
  });

  it('serves the page with Web Chat from node_modules, per municipality', async () => {
    const page = await fetch(`${t.url}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<script src="/webchat/webchat.js"></script>');
    expect(html).toContain('"municipality":"mora"');
    const borlange = await (await fetch(`${t.url}/?municipality=borlange`)).text();
    expect(borlange).toContain('Borlänge');
    const unknown = await fetch(`${t.url}/?municipality=atlantis`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('?municipality=hedemora');
    const bundle = await fetch(`${t.url}/webchat/webchat.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(1_000_000);
  });
});
