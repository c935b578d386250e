import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'fl-store-choice-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Start-up time: @azure/cosmos is some 300 modules (about a second of a start on this machine),
 * so a SQLite store must not load it. Checked in a fresh process, where nothing else loaded it.
 */
describe('the store chosen by configuration', () => {
  it('a SQLite store opens without loading the Cosmos DB client', () => {
    const script = `
      const { createStore } = require('./src/store');
      const { loadConfig } = require('./src/config');
      const config = loadConfig({ SQLITE_PATH: ${JSON.stringify(join(dir, 'choice.sqlite'))}, LOG_LEVEL: 'silent' });
      createStore(config.store, { logger: { info() {}, warn() {} } }).then(async (store) => {
        await store.feedback.get('mora', 'none');
        await store.close();
        const cosmos = Object.keys(require.cache).filter((file) => file.includes('@azure/cosmos'));
        process.stdout.write(JSON.stringify({ kind: store.kind, cosmosModules: cosmos.length }));
      });`;
    const root = join(__dirname, '..', '..');
    const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', DOTENV_CONFIG_QUIET: 'true' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ kind: 'sqlite', cosmosModules: 0 });
  }, 70_000);
});
