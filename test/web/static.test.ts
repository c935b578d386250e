import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TurnContext, type Activity as BotActivity } from 'botbuilder';
import { notifier } from '../../src/bot/messenger';
import type { ConversationAddress } from '../../src/domain/ports';
import { chooseEncoding } from '../../src/web/page';
import { startTestApp, type TestApp } from '../helpers/app';
import { Client, fromBot } from '../helpers/directLine';

/**
 * The web chat page over plain HTTP: static assets compressed from memory with ETag and
 * Cache-Control, the page in the language asked for, the welcome in that language, and pushes that
 * Web Chat can render at once (no replyToId it will never see).
 */

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(url: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('web chat page and assets over HTTP', () => {
  let t: TestApp;
  const bundle = readFileSync(join(__dirname, '..', '..', 'node_modules', 'botframework-webchat', 'dist', 'webchat.js'));
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.stop();
  });

  it.each([
    [undefined, 'identity'],
    ['gzip, deflate, br', 'br'],
    ['gzip, deflate', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['gzip;q=0.5, br;q=0.8', 'br'],
    ['br;q=0.2, gzip;q=0.9', 'gzip'],
    ['*', 'br'],
    ['identity', 'identity'],
    ['gzip;q=0, br;q=0', 'identity'],
  ])('Accept-Encoding %s → %s', (header, expected) => {
    expect(chooseEncoding(header)).toBe(expected);
  });

  it('serves Web Chat compressed as accepted, with an ETag and Cache-Control, and 304 when unchanged', async () => {
    const br = await get(`${t.url}/webchat/webchat.js`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.headers['cache-control']).toBe('public, max-age=86400');
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(brotliDecompressSync(br.body).equals(bundle)).toBe(true);

    const gz = await get(`${t.url}/webchat/webchat.js`, { 'accept-encoding': 'gzip;q=1.0, br;q=0' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(bundle)).toBe(true);

    const plain = await get(`${t.url}/webchat/webchat.js`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(bundle)).toBe(true);

    const etag = String(br.headers.etag);
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect([gz.headers.etag, plain.headers.etag]).toEqual([etag, etag]);
    const again = await get(`${t.url}/webchat/webchat.js`, { 'accept-encoding': 'br', 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    console.log(`webchat.js: ${bundle.length} bytes; brotli ${br.body.length}, gzip ${gz.body.length}`);

    // The page's own script and style are revalidated on every load, so a deploy applies at once.
    for (const asset of ['app.js', 'app.css']) {
      const response = await get(`${t.url}/webchat/${asset}`, { 'accept-encoding': 'gzip' });
      expect(response.headers['content-encoding']).toBe('gzip');
      expect(response.headers['cache-control']).toBe('no-cache');
    }
  });

  it('renders the page in the language asked for, with html lang and a switch to the other one', async () => {
    const english = (await get(`${t.url}/?municipality=mora&lang=en`)).body.toString('utf8');
    expect(english).toContain('<html lang="en">');
    expect(english).toContain('>New conversation<');
    expect(english).toContain('aria-label="Chat with Företagslotsen"');
    expect(english).toMatch(/<a class="language" href="\/\?municipality=mora" hreflang="sv" lang="sv"[^>]*>Svenska<\/a>/);
    const swedish = (await get(`${t.url}/?municipality=mora`)).body.toString('utf8');
    expect(swedish).toContain('<html lang="sv">');
    expect(swedish).toContain('>Ny konversation<');
    expect(swedish).toMatch(/<a class="language" href="\/\?municipality=mora&amp;lang=en" hreflang="en" lang="en"[^>]*>English<\/a>/);
    const unknown = await get(`${t.url}/?municipality=atlantis&lang=en`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.toString('utf8')).toContain('That municipality is not here');
  });

  it('welcomes a conversation started from the English page in English', async () => {
    const client = await Client.open(t.url, { locale: 'en-US' });
    await client.start();
    const welcome = await client.waitFor((a) => fromBot(a) && a.type === 'message');
    expect(JSON.stringify(welcome.attachments)).toContain('Welcome to Företagslotsen for Mora kommun!');
    client.close();
  });

  it('pushes a later message without a replyToId Web Chat would wait 5 s for; replies keep theirs', async () => {
    const client = await Client.open(t.url);
    await client.start();
    await client.waitFor((a) => fromBot(a) && a.type === 'message');
    const posted = await client.post({ type: 'message', text: 'Hur söker jag serveringstillstånd?' });
    const { id } = (await posted.json()) as { id: string };
    const reply = (await client.waitFor((a) => fromBot(a) && a.type === 'message' && (a as { replyToId?: string }).replyToId === id)) as { replyToId?: string };
    expect(reply.replyToId).toBe(id);

    const echo = (await client.waitFor((a) => a.id === id)) as unknown as BotActivity;
    const address = JSON.parse(JSON.stringify(TurnContext.getConversationReference({ ...echo, channelId: 'webchat-local', serviceUrl: 'https://local.foretagslotsen.invalid/' }))) as ConversationAddress;
    await notifier(t.app.messenger)(address, 'Ditt ärende är mottaget.');
    const pushed = (await client.waitFor((a) => a.text === 'Ditt ärende är mottaget.')) as { replyToId?: string };
    expect(pushed.replyToId).toBeUndefined();
    client.close();
  });
});
