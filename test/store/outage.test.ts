import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/domain/ports';
import { createSqliteBackend } from '../../src/store/sqlite';
import { storeOver } from '../../src/store/repositories';
import type { Store } from '../../src/store/types';
import { ask, messageActivity, startTestApp, visibleText, type TestApp } from '../helpers/app';

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
      const text = body ? String((JSON.parse(body) as { text?: string }).text ?? '') : '';
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
  expect((await u.say('Förslag')).text).toContain('Jag tolkar det som');
  expect((await u.say('Ja, det stämmer')).text).toContain('plats');
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

interface HealthSample {
  at: number;
  ms: number;
  status: number;
  state: string;
  storeOk: boolean;
}

/** Polls /healthz until stopped, recording when each answer came and how long it took. */
function pollHealth(url: string) {
  const samples: HealthSample[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const start = Date.now();
      const response = await fetch(`${url}/healthz`);
      const body = (await response.json()) as { status: string; store: { ok: boolean } };
      samples.push({ at: Date.now(), ms: Date.now() - start, status: response.status, state: body.status, storeOk: body.store.ok });
      await sleep(20);
    }
  })();
  return {
    samples,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

/**
 * Another process that opens the same SQLite file and holds `BEGIN EXCLUSIVE` until told to
 * release (or `maxMs`). Its own clock stamps when it locked and released.
 */
async function holdExclusiveLock(file: string, maxMs: number): Promise<{ lockedAt: number; release(): Promise<number> }> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1], { timeout: 0 });
    db.exec('BEGIN EXCLUSIVE');
    console.log('locked ' + Date.now());
    const release = () => { db.exec('ROLLBACK'); db.close(); console.log('released ' + Date.now()); process.exit(0); };
    process.stdin.once('data', release);
    setTimeout(release, Number(process.argv[2]));`;
  const child = spawn(process.execPath, ['-e', script, file, String(maxMs)], { cwd: join(__dirname, '..', '..'), stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const next = (word: string) =>
    new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the lock holder exited (${code}) before "${word}"`)));
      lines.on('line', (line) => {
        const [said, at] = line.split(' ');
        if (said === word) resolve(Number(at));
      });
    });
  const released = next('released');
  released.catch(() => undefined);
  const lockedAt = await next('locked');
  return {
    lockedAt,
    release: () => {
      child.stdin.write('release\n');
      return released;
    },
  };
}

describe('a SQLite file locked by another process', () => {
  let t: TestApp | undefined;
  let channel: Awaited<ReturnType<typeof startChannel>> | undefined;
  afterEach(async () => {
    await t?.stop();
    await channel?.stop();
    t = undefined;
  });

  it('blocks no one: health says degraded at once, all five get an acknowledgement, and each suggestion exists once after the lock is gone', async () => {
    t = await startTestApp({ STORE_TIMEOUT_MS: '500' });
    channel = await startChannel();
    const app = t;
    const chat = channel;
    const users = SUGGESTIONS.map((_, i) => user(app.url, `locked-${i}`, chat.url));
    await Promise.all(users.map((u, i) => upToLastQuestion(u, SUGGESTIONS[i] ?? '')));

    const lock = await holdExclusiveLock(join(app.dir, 'test.sqlite'), 10_000);
    const health = pollHealth(app.url);
    const started = Date.now();
    const finals = await Promise.all(users.map((u) => u.say(FINAL_ANSWER)));
    const finalsMs = Date.now() - started;
    // Keep the lock a while longer (at least 1.5 s in all), to see how /healthz answers meanwhile.
    await eventually(async () => health.samples.some((s) => s.state === 'degraded') && Date.now() - lock.lockedAt > 1500, 4000).catch(() => undefined);
    const releasedAt = await lock.release();
    await health.stop();

    const during = health.samples.filter((s) => s.at >= lock.lockedAt && s.at <= releasedAt);
    const maxLatency = Math.max(0, ...during.map((s) => s.ms));
    const acknowledged = finals.filter((f) => f.text.includes('registreras så snart')).length;

    // The store answers again: the outbox is written (automatically, on recovery) and each user answers again.
    await eventually(async () => ((await (await fetch(`${app.url}/healthz`)).json()) as { status: string }).status === 'ok');
    const recoveredMs = Date.now() - releasedAt;
    const outbox = join(app.dir, 'outbox');
    await eventually(async () => {
      await app.app.flushOutbox();
      return readdirSync(outbox).filter((f) => f.endsWith('.json')).length === 0;
    });
    // Three answer again (a new activity); two get their last activity delivered again by the channel.
    const again = await Promise.all(users.map((u, i) => (i < 3 ? u.say(FINAL_ANSWER) : u.say(FINAL_ANSWER, finals[i]?.id))));
    const { stored, doubled, perText } = await countItems(app.app.store, MARKERS);
    console.log(
      `store outage (sqlite, BEGIN EXCLUSIVE in another process): acknowledged=${acknowledged} stored=${stored} doubled=${doubled}; ` +
        `health during the outage: ${during.length} answers, max latency ${maxLatency} ms; the five last turns took ${finalsMs} ms; healthy again ${recoveredMs} ms after the release`,
    );

    expect(during.some((s) => s.status === 503 && s.state === 'degraded' && !s.storeOk)).toBe(true);
    for (const final of finals) {
      expect(final.status).toBe(200);
      expect(final.text).toContain('registreras så snart');
      expect(final.text).not.toContain('gick fel');
      expect(final.count).toBe(1);
    }
    for (const reply of again) expect(reply.text).toMatch(/redan registrerat \(MORA-20\d\d-\d{6}\)/);
    // Each user got the reference in the chat once, when the store was back.
    for (const u of users) expect(chat.received.get(u.conversation)).toEqual([expect.stringMatching(/nu registrerat med referensnummer MORA-20\d\d-\d{6}/)]);
    expect(perText).toEqual([1, 1, 1, 1, 1]);
    expect(doubled).toBe(0);
  });
});

describe('state that cannot be saved after the suggestion was acknowledged', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fl-outage-'));
  let t: TestApp | undefined;
  let channel: Awaited<ReturnType<typeof startChannel>> | undefined;
  afterAll(async () => {
    await t?.stop();
    await channel?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Real SQLite whose state and feedback writes fail while `down` is set. */
  function unwritable(file: string): { store: Store; state: { down: boolean } } {
    const real = storeOver(createSqliteBackend(file));
    const state = { down: false };
    const refuse = () => Promise.reject(new StoreUnavailableError('the SQLite store is unavailable (test: SQLITE_BUSY)'));
    const store: Store = {
      ...real,
      kv: { read: (keys) => real.kv.read(keys), write: (changes) => (state.down ? refuse() : real.kv.write(changes)), delete: (keys) => (state.down ? refuse() : real.kv.delete(keys)) },
      feedback: { ...real.feedback, create: (item, contact) => (state.down ? refuse() : real.feedback.create(item, contact)) },
    };
    return { store, state };
  }

  it('says one thing (queued, no apology), and the answer given again maps to the same item', async () => {
    const { store, state } = unwritable(join(dir, 'unwritable.sqlite'));
    t = await startTestApp({}, { store });
    channel = await startChannel();
    const app = t;
    const anna = user(app.url, 'anna', channel.url);
    const erik = user(app.url, 'erik', channel.url);
    await upToLastQuestion(anna, SUGGESTIONS[0] ?? '');

    state.down = true;
    const final = await anna.say(FINAL_ANSWER);
    expect(final.text).toContain('registreras så snart');
    expect(final.text).not.toContain('gick fel');
    expect(final.count).toBe(1);
    // A turn that cannot save its state gets the clear apology, not the generic one.
    const other = await erik.say('Hej');
    expect(other.text).toContain('Jag kan inte spara just nu');
    expect(other.text).not.toContain('gick fel');

    state.down = false;
    await app.app.flushOutbox();
    const again = await anna.say(FINAL_ANSWER);
    expect(again.text).toMatch(/redan registrerat \(MORA-20\d\d-\d{6}\)/);
    expect((await countItems(store, MARKERS.slice(0, 1))).perText).toEqual([1]);
  });
});
