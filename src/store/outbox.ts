/**
 * A local, durable outbox: one JSON file per waiting item, written atomically (temp file, fsync,
 * rename). Used when the store is unreachable, so a suggestion is never lost; flushed to the store
 * when it is back. Deliberately not the store itself: it must work when the store does not.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Outbox, OutboxEntry } from '../domain/feedback/outbox';

const SAFE_ID = /^[a-zA-Z0-9_-]{1,100}$/;

export function createFileOutbox(dir: string): Outbox {
  mkdirSync(dir, { recursive: true });
  const file = (id: string) => {
    if (!SAFE_ID.test(id)) throw new Error(`bad outbox id "${id}"`);
    return join(dir, `${id}.json`);
  };
  return {
    async put(entry: OutboxEntry) {
      const target = file(entry.id);
      const temp = `${target}.${process.pid}.tmp`;
      const fd = openSync(temp, 'w', 0o600);
      try {
        writeSync(fd, JSON.stringify(entry));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, target);
    },
    async list() {
      const entries: OutboxEntry[] = [];
      for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
        try {
          entries.push(JSON.parse(readFileSync(join(dir, name), 'utf8')) as OutboxEntry);
        } catch {
          // A half-written file cannot exist (rename is atomic); an unreadable one is left for a person.
        }
      }
      return entries.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
    },
    async remove(id: string) {
      rmSync(file(id), { force: true });
    },
  };
}
