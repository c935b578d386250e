import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/domain/ports';
import { createSqliteBackend } from '../../src/store/sqlite';
import { storeOver } from '../../src/store/repositories';
import type { Store } from '../../src/store/types';
import { storeContract } from './contract';

const dir = mkdtempSync(join(tmpdir(), 'lotsen-sqlite-'));
const opened: Store[] = [];
let n = 0;
afterAll(async () => {
  for (const store of opened) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

storeContract('sqlite', async (options) => {
  const store = storeOver(createSqliteBackend(join(dir, `contract-${(n += 1)}.sqlite`)), options);
  opened.push(store);
  return store;
});

describe('sqlite store', () => {
  it('keeps its data across a restart (a real file) and migrates once', async () => {
    const file = join(dir, 'restart.sqlite');
    const first = storeOver(createSqliteBackend(file));
    await first.kv.write({ k: { v: 'kept' } });
    const { item } = await first.feedback.create({
      municipality: 'mora', referencePrefix: 'MORA', kind: 'suggestion', text: 'x y z', masked: [], language: 'sv',
      focusArea: 'mora.competence', focusConfidence: 1, hasContact: false, submitter: { userKey: 'u', language: 'sv' },
      sourceKey: 's', createdAt: '2026-11-23T00:00:00.000Z',
    });
    await first.close();
    const second = storeOver(createSqliteBackend(file));
    opened.push(second);
    expect((await second.kv.read(['k'])).k).toMatchObject({ v: 'kept' });
    expect((await second.feedback.get('mora', item.id))?.reference).toBe('MORA-2026-000001');
  });

  it('says clearly when the file cannot be used', () => {
    const notADatabase = join(dir, 'garbage.sqlite');
    writeFileSync(notADatabase, 'this is not a database '.repeat(100));
    expect(() => createSqliteBackend(notADatabase)).toThrow(StoreUnavailableError);
    expect(() => createSqliteBackend(notADatabase)).toThrow(/garbage\.sqlite/);
  });

  it('reports unavailable (not a crash) once closed', async () => {
    const store = storeOver(createSqliteBackend(join(dir, 'closed.sqlite')));
    await store.close();
    await expect(store.kv.read(['x'])).rejects.toBeInstanceOf(StoreUnavailableError);
    expect((await store.health()).ok).toBe(false);
  });
});
