/**
 * Chooses the store from configuration: SQLite (the embedded default) or Cosmos DB.
 */
import type { Config } from '../config';
import type { Logger } from '../log';
import { storeOver } from './repositories';
import { createSqliteBackend } from './sqlite';
import type { Store } from './types';

export type { Store } from './types';

/**
 * `timeoutMs` (STORE_TIMEOUT_MS) bounds every store operation; past it the store counts as
 * unavailable and the circuit breaker (breaker.ts) answers at once until the store is back.
 */
export async function createStore(config: Config['store'], deps: { logger: Logger; timeoutMs?: number }): Promise<Store> {
  const timeoutMs = deps.timeoutMs ?? 1000;
  if (config.kind === 'cosmos') {
    // Loaded only when chosen: @azure/cosmos is some 300 modules that a SQLite start never needs.
    const { createCosmosBackend } = await import('./cosmos');
    const backend = await createCosmosBackend({ endpoint: config.endpoint, key: config.key, database: config.database, requestTimeoutMs: timeoutMs });
    deps.logger.info({ store: 'cosmos', endpoint: config.endpoint, database: config.database }, 'store ready');
    return storeOver(backend, { log: deps.logger });
  }
  const backend = createSqliteBackend(config.path, { timeoutMs });
  deps.logger.info({ store: 'sqlite', path: config.path }, 'store ready');
  return storeOver(backend, { log: deps.logger });
}
