/**
 * Chooses the store from configuration: SQLite (the embedded default) or Cosmos DB.
 */
import type { Config } from '../config';
import type { Logger } from '../log';
import { createCosmosBackend } from './cosmos';
import { storeOver } from './repositories';
import { createSqliteBackend } from './sqlite';
import type { Store } from './types';

export type { Store } from './types';

export async function createStore(config: Config['store'], deps: { logger: Logger }): Promise<Store> {
  if (config.kind === 'cosmos') {
    const backend = await createCosmosBackend({ endpoint: config.endpoint, key: config.key, database: config.database });
    deps.logger.info({ store: 'cosmos', endpoint: config.endpoint, database: config.database }, 'store ready');
    return storeOver(backend);
  }
  const backend = createSqliteBackend(config.path);
  deps.logger.info({ store: 'sqlite', path: config.path }, 'store ready');
  return storeOver(backend);
}
