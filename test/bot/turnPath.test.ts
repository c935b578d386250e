import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ComponentRegistration, ConfigurationBotFrameworkAuthentication, type Activity } from 'botbuilder';
import { buttonValueSchema, parseButtonValue } from '../../dialogs/buttons';
import { CachingAuthentication } from '../../src/bot/adapter';
import { createSqliteBackend } from '../../src/store/sqlite';
import { storeOver } from '../../src/store/repositories';
import type { DocumentBackend, DocumentCollection } from '../../src/store/documents';
import { ask, messageActivity, startTestApp, type TestApp } from '../helpers/app';

describe('button values', () => {
  it('a typed message (no value) is not run through the schema, so no ZodError is built', () => {
    const safeParse = vi.spyOn(buttonValueSchema, 'safeParse');
    try {
      expect(parseButtonValue(undefined)).toBeUndefined();
      expect(parseButtonValue(null)).toBeUndefined();
      expect(parseButtonValue('text')).toBeUndefined();
      expect(safeParse).not.toHaveBeenCalled();
      expect(parseButtonValue({ action: 'topic', topic: 'food' })).toEqual({ action: 'topic', topic: 'food' });
      expect(parseButtonValue({ action: 'nonsense' })).toBeUndefined();
      expect(safeParse).toHaveBeenCalledTimes(2);
    } finally {
      safeParse.mockRestore();
    }
  });
});

describe('connectors', () => {
  const activity = (serviceUrl: string): Activity =>
    ({ type: 'message', channelId: 'emulator', serviceUrl, conversation: { id: 'c' }, from: { id: 'u' }, recipient: { id: 'b' } }) as Activity;

  it('builds one connector per service URL and reuses it on later turns (no HTTP pipeline per turn)', async () => {
    const auth = new CachingAuthentication(new ConfigurationBotFrameworkAuthentication({}));
    const create = async (serviceUrl: string) => {
      const result = await auth.authenticateRequest(activity(serviceUrl), '');
      return result.connectorFactory!.create(serviceUrl, result.audience);
    };
    const a = await create('http://127.0.0.1:9/');
    expect(await create('http://127.0.0.1:9/')).toBe(a);
    expect(await create('http://127.0.0.1:10/')).not.toBe(a);
    const result = await auth.authenticateRequest(activity('http://127.0.0.1:9/'), '');
    expect(await auth.createUserTokenClient(result.claimsIdentity)).toBe(await auth.createUserTokenClient(result.claimsIdentity));
  });
});

/** Counts what the bot state collection is asked per turn. */
function counting(backend: DocumentBackend) {
  const calls: string[] = [];
  const wrapped: DocumentBackend = {
    ...backend,
    collection(name) {
      const inner = backend.collection(name);
      if (name !== 'state') return inner;
      const counted: DocumentCollection = {
        get: (pk, id) => (calls.push('get'), inner.get(pk, id)),
        insert: (pk, id, doc) => (calls.push('insert'), inner.insert(pk, id, doc)),
        replace: (pk, id, doc, ifMatch) => (calls.push('replace'), inner.replace(pk, id, doc, ifMatch)),
        upsert: (pk, id, doc) => (calls.push('upsert'), inner.upsert(pk, id, doc)),
        delete: (pk, id) => (calls.push('delete'), inner.delete(pk, id)),
        query: (pk, query) => (calls.push('query'), inner.query(pk, query)),
        aggregate: (pk, aggregate) => (calls.push('aggregate'), inner.aggregate(pk, aggregate)),
      };
      return counted;
    },
  };
  return { wrapped, calls };
}

describe('conversation state per turn', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fl-turn-'));
  const { wrapped, calls } = counting(createSqliteBackend(join(dir, 'state.sqlite')));
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, { store: storeOver(wrapped) });
    // The start's background work (cached models, reindexing, retraining) reads stored state too: done before counting.
    await t.app.retrained();
  });
  afterAll(async () => {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is read once and written once in a turn of a running conversation', async () => {
    const conversation = { id: 'conv-state-once' };
    expect((await ask(t.url, messageActivity('hej', { conversation }))).status).toBe(200);
    calls.length = 0;
    expect((await ask(t.url, messageActivity('hur söker jag bygglov?', { conversation }))).status).toBe(200);
    expect(calls.filter((c) => c === 'get')).toHaveLength(1);
    expect(calls.filter((c) => c === 'replace' || c === 'upsert')).toHaveLength(1);
  });

  it("builds the dialogs' memory scopes and path resolvers once, not on every turn", async () => {
    const conversation = { id: 'conv-scopes-once' };
    expect((await ask(t.url, messageActivity('hej', { conversation }))).status).toBe(200);
    // botbuilder-dialogs reads the registered components whenever it builds them for a turn.
    const components = vi.spyOn(ComponentRegistration, 'components', 'get');
    try {
      const replies = await ask(t.url, messageActivity('hur söker jag bygglov?', { conversation }));
      expect(replies.status).toBe(200);
      expect(replies.activities.length).toBeGreaterThan(0);
      expect((await ask(t.url, messageActivity('tack', { conversation }))).status).toBe(200);
      expect(components).not.toHaveBeenCalled();
    } finally {
      components.mockRestore();
    }
  });
});
