import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import type { Store } from '../../src/store/types';
import { ask, messageActivity, visibleText } from './app';

/** Conversations that finish a suggestion while the store is down (test/store/outage*.test.ts). */

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const SUGGESTIONS = [
  'Jag vill lämna ett förslag: bättre skyltning till industriområdet Östnor från riksväg 45',
  'Jag har ett förslag: fler företagarluncher i centrum för oss småföretagare',
  'Jag vill lämna ett förslag: längre öppettider på återvinningscentralen för företagare',
  'Jag har ett förslag: snabbare handläggning av bygglov för verksamhetslokaler',
  'Jag vill lämna ett förslag: bättre bredband till landsbygdsföretagen runt Siljan',
];
export const FINAL_ANSWER = 'Nej, jag vill vara anonym';

/** The channel's side of proactive messages (the queued receipt): what the bot posted to each conversation. */
export async function startChannel(): Promise<{ url: string; received: Map<string, string[]>; stop(): Promise<void> }> {
  const received = new Map<string, string[]>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const conversation = decodeURIComponent(/\/v3\/conversations\/([^/]+)\//.exec(req.url ?? '')?.[1] ?? '');
      const text = body ? ((JSON.parse(body) as { text?: string }).text ?? '') : '';
      received.set(conversation, [...(received.get(conversation) ?? []), text]);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `sent-${received.size}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** One user in their own conversation, over HTTP with expectReplies; proactive messages go to `serviceUrl`. */
export function user(url: string, name: string, serviceUrl: string) {
  let n = 0;
  return {
    conversation: `conv-${name}`,
    async say(text: string, id = `${name}-${(n += 1)}`) {
      const replies = await ask(url, messageActivity(text, { id, conversation: { id: `conv-${name}` }, from: { id: name }, serviceUrl }));
      return { status: replies.status, count: replies.activities.length, text: visibleText(replies.activities), id };
    },
  };
}

/** Walks a suggestion up to its last question (contact details), checking each step. */
export async function upToLastQuestion(u: ReturnType<typeof user>, suggestion: string): Promise<void> {
  expect((await u.say(suggestion)).text).toContain('Förslag');
  // One focus area to confirm, or the two closest to choose from (the first is taken).
  const area = (await u.say('Förslag')).text;
  expect(area).toMatch(/Jag tolkar det som|Det kan höra till två områden/);
  const choice = /näringslivsstrategin: (.+?) eller /.exec(area)?.[1] ?? 'Ja, det stämmer';
  expect((await u.say(choice)).text).toContain('plats');
  expect((await u.say('Hoppa över')).text).toContain('allmän handling');
}

export const MARKERS = ['Östnor', 'företagarluncher', 'återvinningscentralen', 'bygglov', 'Siljan'];

/** Items of the municipality per marker word: how many suggestions are stored, and how many extra copies. */
export async function countItems(store: Store, markers: string[]): Promise<{ stored: number; doubled: number; perText: number[] }> {
  const items = await store.feedback.list('mora');
  const perText = markers.map((marker) => items.filter((i) => i.text.includes(marker)).length);
  return { stored: perText.filter((c) => c > 0).length, doubled: perText.reduce((sum, c) => sum + Math.max(0, c - 1), 0), perText };
}

/** Polls until `done()` or the time is up. */
export async function eventually(done: () => Promise<boolean>, ms = 8000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await sleep(50);
  }
}
