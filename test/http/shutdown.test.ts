import { describe, expect, it } from 'vitest';
import { createSqliteBackend } from '../../src/store/sqlite';
import { storeOver } from '../../src/store/repositories';
import type { Store } from '../../src/store/types';
import { ask, messageActivity, startTestApp } from '../helpers/app';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('graceful shutdown', () => {
  it('finishes the turn in flight, refuses new work and closes the store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-stop-'));
    const real = storeOver(createSqliteBackend(join(dir, 'stop.sqlite')));
    let closed = false;
    let slow = false;
    // A store whose reads take a while, so a turn is still running when the stop comes.
    const store: Store = {
      ...real,
      kv: {
        read: async (keys) => {
          if (slow) await new Promise((resolve) => setTimeout(resolve, 400));
          return real.kv.read(keys);
        },
        write: (changes) => real.kv.write(changes),
        createOnce: (key, value) => real.kv.createOnce(key, value),
        delete: (keys) => real.kv.delete(keys),
      },
      close: async () => {
        closed = true;
        await real.close();
      },
    };
    const t = await startTestApp({}, { store });
    slow = true;
    const inFlight = ask(t.url, messageActivity('Hur söker jag bygglov?', { conversation: { id: 'stop-1' } }));
    // Stop only once the request is being handled.
    for (let i = 0; i < 200 && t.app.http.inFlight() === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(t.app.http.inFlight()).toBe(1);
    const stopping = t.app.stop();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(response.activities.length).toBeGreaterThan(0);
    await stopping;
    expect(closed).toBe(true);
    await expect(fetch(`${t.url}/healthz`)).rejects.toThrow();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a request still unhandled when the shutdown timeout ends with 503 and Retry-After, not a reset', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-stop-'));
    const real = storeOver(createSqliteBackend(join(dir, 'stop.sqlite')));
    let slow = false;
    // Reads and writes of the bot state that take far longer than the shutdown timeout.
    const store: Store = {
      ...real,
      kv: {
        read: async (keys) => {
          if (slow) await new Promise((resolve) => setTimeout(resolve, 3000));
          return real.kv.read(keys);
        },
        write: async (changes) => {
          if (slow) await new Promise((resolve) => setTimeout(resolve, 3000));
          return real.kv.write(changes);
        },
        createOnce: async (key, value) => {
          if (slow) await new Promise((resolve) => setTimeout(resolve, 3000));
          return real.kv.createOnce(key, value);
        },
        delete: (keys) => real.kv.delete(keys),
      },
    };
    const t = await startTestApp({ SHUTDOWN_TIMEOUT_MS: '200' }, { store });
    slow = true;
    const inFlight = fetch(`${t.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ deliveryMode: 'expectReplies', ...messageActivity('Hur söker jag bygglov?', { conversation: { id: 'stop-2' } }) }),
    });
    for (let i = 0; i < 200 && t.app.http.inFlight() === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(t.app.http.inFlight()).toBe(1);
    const stopping = t.app.stop();
    const response = await inFlight;
    expect(response.status).toBe(503);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('ShuttingDown');
    await stopping;
    rmSync(dir, { recursive: true, force: true });
  });
});
