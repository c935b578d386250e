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
import { outboxEntrySchema } from './schemas';
import type { StoreLog } from './repositories';

const SAFE_ID = /^[a-zA-Z0-9_-]{1,100}$/;

/** `log` hears of a file that cannot be read or does not fit (it stays where it is, for a person). */
export function createFileOutbox(dir: string, log: StoreLog = { warn: () => undefined }): Outbox {
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
        // A half-written file cannot exist (rename is atomic); an unreadable one is left for a person.
        const path = join(dir, name);
        try {
          const parsed = outboxEntrySchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
          if (parsed.success) entries.push(parsed.data);
          else log.warn({ path, fields: [...new Set(parsed.error.issues.map((i) => i.path.join('.')))] }, `outbox file ${path} does not fit an outbox entry; left in place`);
        } catch (error) {
          log.warn({ err: error, path }, `outbox file ${path} cannot be read; left in place`);
        }
      }
      return entries.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
    },
    async remove(id: string) {
      await rm(file(id), { force: true });
    },
  };
}
