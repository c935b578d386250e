import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/domain/ports';
import { CosmosClient } from '@azure/cosmos';
import { createCosmosBackend, INDEXING } from '../../src/store/cosmos';
import { storeOver } from '../../src/store/repositories';
import type { Store } from '../../src/store/types';
import { startCosmosServer } from '../helpers/cosmosServer';
import { storeContract } from './contract';

let server: Awaited<ReturnType<typeof startCosmosServer>>;
const opened: Store[] = [];
let n = 0;
beforeAll(async () => {
  server = await startCosmosServer();
});
afterAll(async () => {
  for (const store of opened) await store.close();
  await server.stop();
});

storeContract('cosmos (real @azure/cosmos client, local Cosmos server)', async (options) => {
  const store = storeOver(await createCosmosBackend({ endpoint: server.endpoint, key: 'local-test-key', database: `contract${(n += 1)}` }), options);
  opened.push(store);
  return store;
});

describe('cosmos store', () => {
  it('creates its database and containers on first use and finds its data again', async () => {
    const options = { endpoint: server.endpoint, key: 'k', database: 'reopen' };
    const first = storeOver(await createCosmosBackend(options));
    await first.kv.write({ k: { v: 'kept' } });
    await first.close();
    const second = storeOver(await createCosmosBackend(options));
    opened.push(second);
    expect((await second.kv.read(['k'])).k).toMatchObject({ v: 'kept' });
  });

  it('creates its containers with their indexing policies: bot state not indexed, a suggestion\'s text and history left out, composite indexes for the inbox and digest', async () => {
    const store = storeOver(await createCosmosBackend({ endpoint: server.endpoint, key: 'k', database: 'indexing' }));
    opened.push(store);
    const client = new CosmosClient({ endpoint: server.endpoint, key: 'k', connectionPolicy: { enableEndpointDiscovery: false } });
    const policy = async (name: string) => (await client.database('indexing').container(name).read()).resource?.indexingPolicy;
    expect(await policy('state')).toMatchObject({ excludedPaths: [{ path: '/*' }] });
    const feedback = await policy('feedback');
    expect(feedback?.excludedPaths?.map((p) => p.path)).toEqual(expect.arrayContaining(['/doc/text/?', '/doc/history/*']));
    expect(feedback?.compositeIndexes).toEqual(INDEXING.feedback?.compositeIndexes);
    // What the policy leaves out is still stored and read back, and the inbox still pages.
    const { item } = await store.feedback.create({
      municipality: 'mora', referencePrefix: 'MORA', kind: 'suggestion', text: 'Fler företagarluncher', masked: [], language: 'sv', focusArea: 'mora.competence',
      focusConfidence: 1, hasContact: false, submitter: { userKey: 'u', language: 'sv' }, sourceKey: 'indexing-1', createdAt: '2026-11-23T08:00:00.000Z',
    });
    expect((await store.feedback.inbox('mora', { status: 'new' }, { limit: 5 })).items).toEqual([item]);
    await store.kv.write({ k: { v: 'kept' } });
    expect((await store.kv.read(['k'])).k).toMatchObject({ v: 'kept' });
  });

  it('says the store is unavailable when Cosmos DB cannot be reached', async () => {
    await expect(
      createCosmosBackend({ endpoint: 'http://127.0.0.1:9', key: 'k', database: 'x', requestTimeoutMs: 1000 }),
    ).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
