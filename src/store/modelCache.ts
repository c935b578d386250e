/**
 * Trained classifier models on local disk (MODEL_CACHE_DIR, default var/models/): one file per
 * model, named by the hash of everything it was trained from (src/domain/text/classifier.ts), so a
 * change to the examples, the options or the code simply misses and trains anew. Written to a
 * temporary file and renamed, so a reader never sees half a model; a broken file is ignored.
 * `has` lets a start read a cached model only when it is first needed.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ModelCache } from '../domain/text/classifier';

export function createFileModelCache(dir: string, onError?: (error: unknown, what: string) => void): ModelCache {
  const file = (key: string) => {
    if (!/^[a-f0-9]{16,128}$/.test(key)) throw new Error(`bad model key "${key}"`);
    return join(dir, `${key}.model.json`);
  };
  return {
    has: (key) => existsSync(file(key)),
    read(key) {
      try {
        return readFileSync(file(key), 'utf8');
      } catch (error) {
        if ((error as { code?: string }).code !== 'ENOENT') onError?.(error, 'reading a cached model');
        return undefined;
      }
    },
    write(key, model) {
      const target = file(key);
      const temporary = `${target}.${randomUUID()}.tmp`;
      try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(temporary, model);
        renameSync(temporary, target);
      } catch (error) {
        // A cache that cannot be written only costs the next start its training time.
        rmSync(temporary, { force: true });
        onError?.(error, 'writing a cached model');
      }
    },
  };
}
