import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteBackend } from '../../src/store/sqlite';
import { storeOver } from '../../src/store/repositories';
import type { Store } from '../../src/store/types';
import { startTestApp, type TestApp } from '../helpers/app';
import { Client, fromBot, type Activity } from '../helpers/directLine';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('starting a web chat conversation twice at once', () => {
  let t: TestApp;
  const dir = mkdtempSync(join(tmpdir(), 'fl-started-'));
  beforeAll(async () => {
    // A store whose answers about the started flag take a while to come back (as over a network),
    // so two starts of one conversation overlap.
    const real = storeOver(createSqliteBackend(join(dir, 'slow.sqlite')));
    let slow = false;
    const store: Store = {
      ...real,
      kv: {
        read: async (keys) => {
          const found = await real.kv.read(keys);
          if (slow && keys.some((k) => k.startsWith('webchat/started/'))) await sleep(300);
          return found;
        },
        write: (changes) => real.kv.write(changes),
        createOnce: async (key, value) => {
          const created = await real.kv.createOnce(key, value);
          if (slow) await sleep(300);
          return created;
        },
        delete: (keys) => real.kv.delete(keys),
      },
    };
    t = await startTestApp({}, { store });
    slow = true;
  });
  afterAll(async () => {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 201 once and 200 to the other, and welcomes once', async () => {
    const client = await Client.open(t.url);
    const start = () => fetch(`${client.session.domain}/conversations`, { method: 'POST', headers: client.headers() });
    const statuses = (await Promise.all([start(), start()])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 201]);

    // Once the user's first question is answered, any welcome has long been stored.
    await client.start();
    await client.post({ type: 'message', text: 'Hur söker jag bygglov?' });
    await client.waitFor((a) => fromBot(a) && /bygglov/i.test(JSON.stringify(a.attachments ?? []) + (a.text ?? '')));
    const history = await fetch(`${client.session.domain}/conversations/${client.session.conversationId}/activities?watermark=0`, { headers: client.headers() });
    const { activities } = (await history.json()) as { activities: Activity[] };
    const welcomes = activities.filter((a) => fromBot(a) && JSON.stringify(a.attachments ?? []).includes('Välkommen till Företagslotsen'));
    expect(welcomes).toHaveLength(1);
    client.close();
  });
});
