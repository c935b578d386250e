import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/domain/ports';
import { createSqliteBackend } from '../../src/store/sqlite';
import { storeOver } from '../../src/store/repositories';
import type { Store } from '../../src/store/types';
import { startTestApp, type TestApp } from '../helpers/app';
import { countItems, eventually, FINAL_ANSWER, MARKERS, startChannel, SUGGESTIONS, upToLastQuestion, user } from '../helpers/outage';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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
  let t: TestApp;
  let channel: Awaited<ReturnType<typeof startChannel>>;
  beforeAll(async () => {
    t = await startTestApp({ STORE_TIMEOUT_MS: '500' });
    channel = await startChannel();
  });
  afterAll(async () => {
    await t.stop();
    await channel.stop();
  });

  it('blocks no one: health says degraded at once, all five get an acknowledgement, and each suggestion exists once after the lock is gone', async () => {
    const app = t;
    const chat = channel;
    const users = SUGGESTIONS.map((_, i) => user(app.url, `locked-${i}`, chat.url));
    const setupStarted = Date.now();
    await Promise.all(users.map((u, i) => upToLastQuestion(u, SUGGESTIONS[i] ?? '')));
    const setupMs = Date.now() - setupStarted;

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
    const medianLatency = [...during.map((s) => s.ms)].sort((a, b) => a - b)[Math.floor(during.length / 2)] ?? 0;
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
        `health during the outage: ${during.length} answers, max latency ${maxLatency} ms, median ${medianLatency} ms; the five last turns took ${finalsMs} ms; healthy again ${recoveredMs} ms after the release (setup ${setupMs} ms)`,
    );

    expect(during.some((s) => s.status === 503 && s.state === 'degraded' && !s.storeOk)).toBe(true);
    for (const final of finals) {
      expect(final.status).toBe(200);
      expect(final.text).toContain('registreras så snart');
      expect(final.text).not.toContain('gick fel');
      expect(final.count).toBe(1);
    }
    // A new answer finds the one item; a redelivered activity gets the replies of its first delivery again.
    again.forEach((reply, i) => {
      if (i < 3) expect(reply.text).toMatch(/redan registrerat \(MORA-20\d\d-\d{6}\)/);
      else expect(reply.text).toBe(finals[i]?.text);
    });
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
      kv: { read: (keys) => real.kv.read(keys), write: (changes) => (state.down ? refuse() : real.kv.write(changes)), createOnce: (key, value) => (state.down ? refuse() : real.kv.createOnce(key, value)), delete: (keys) => (state.down ? refuse() : real.kv.delete(keys)) },
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
