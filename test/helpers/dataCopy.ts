import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { DataPackError, loadDataSet } from '../../src/domain/packs/loader';

const DATA = join(__dirname, '..', '..', 'data');

/** Copies of data/ to break on purpose; each is removed after its test. */
export function dataCopies(): () => string {
  const temps: string[] = [];
  afterEach(() => {
    for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-data-'));
    temps.push(dir);
    cpSync(DATA, dir, { recursive: true });
    return dir;
  };
}

/** The problems the loader reports for a data folder (the test fails when it loads). */
export function problemsOf(dir: string): DataPackError['problems'] {
  try {
    loadDataSet(dir);
  } catch (error) {
    if (error instanceof DataPackError) return error.problems;
    throw error;
  }
  throw new Error('expected the data to be rejected');
}
