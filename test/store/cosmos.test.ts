import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/domain/ports';
import { createCosmosBackend } from '../../src/store/cosmos';
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

  it('says the store is unavailable when Cosmos DB cannot be reached', async () => {
    await expect(
      createCosmosBackend({ endpoint: 'http://127.0.0.1:9', key: 'k', database: 'x', requestTimeoutMs: 1000 }),
    ).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
