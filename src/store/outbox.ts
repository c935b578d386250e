/**
 * A local, durable outbox: one JSON file per waiting item, written atomically (temp file, fsync,
 * rename). Used when the store is unreachable, so a suggestion is never lost; flushed to the store
 * when it is back. Deliberately not the store itself: it must work when the store does not.
 * Asynchronous file calls: it is written while the store is down, when many conversations may be
 * finishing at once, and an fsync on the event loop would hold up all of them.
 */
import { mkdirSync } from 'node:fs';
import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Outbox, OutboxEntry } from '../domain/feedback/outbox';
import type { Logger } from '../log';

const SAFE_ID = /^[a-zA-Z0-9_-]{1,100}$/;

/**
 * An entry that cannot be read (edited by hand, a disk fault) is logged and set aside as
 * `<id>.json.unreadable` beside the others, for a person to repair: never deleted, and not re-read
 * (and re-logged) on every flush.
 */
export function createFileOutbox(dir: string, logger: Pick<Logger, 'error'>): Outbox {
  mkdirSync(dir, { recursive: true });
  const file = (id: string) => {
    if (!SAFE_ID.test(id)) throw new Error(`bad outbox id "${id}"`);
    return join(dir, `${id}.json`);
  };
  return {
    async put(entry: OutboxEntry) {
      const target = file(entry.id);
      // Unique per write: two puts of one entry may now overlap (a repeated delivery while the first waits on fsync).
      const temp = `${target}.${process.pid}.${randomUUID()}.tmp`;
      const handle = await open(temp, 'w', 0o600);
      try {
        await handle.writeFile(JSON.stringify(entry));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
    },
    async list() {
      const entries: OutboxEntry[] = [];
      for (const name of (await readdir(dir)).filter((n) => n.endsWith('.json')).sort()) {
        const path = join(dir, name);
        try {
          entries.push(JSON.parse(await readFile(path, 'utf8')) as OutboxEntry);
        } catch (error) {
          // A half-written file cannot exist (rename is atomic): this one was damaged afterwards.
          const aside = await rename(path, `${path}.unreadable`).then(() => `${path}.unreadable`, () => path);
          logger.error({ err: error, file: aside }, 'outbox entry unreadable: set aside, not delivered');
        }
      }
      return entries.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
    },
    async remove(id: string) {
      await rm(file(id), { force: true });
    },
  };
}
