import type { AddressInfo } from 'node:net';
import { createHttpServer } from '@vercel/cosmosdb-server';

/**
 * A local Cosmos DB (SQL API) server for the tests: @vercel/cosmosdb-server over plain HTTP on a
 * free port. The real @azure/cosmos client talks to it.
 */
export async function startCosmosServer(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const server = createHttpServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
