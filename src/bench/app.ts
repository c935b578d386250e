/** The whole app in this process on a loopback port, with its own SQLite file in a temp directory. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, repoRoot } from '../config';
import { createApp, type AppContext } from '../app';

export interface BenchApp {
  app: AppContext;
  url: string;
  startMs: number;
  /** The SQLite file of this app. */
  sqlitePath: string;
  stop(): Promise<void>;
}

export async function startBenchApp(env: Record<string, string> = {}): Promise<BenchApp> {
  const dir = mkdtempSync(join(tmpdir(), 'fl-bench-'));
  const sqlitePath = join(dir, 'bench.sqlite');
  const t0 = performance.now();
  const app = await createApp(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      SQLITE_PATH: sqlitePath,
      OUTBOX_DIR: join(dir, 'outbox'),
      MODEL_CACHE_DIR: join(repoRoot(), 'var', 'models'),
      // The benchmark is one client address sending far more than any one user: no rate limit.
      RATE_LIMIT_IP_PER_MINUTE: '100000000',
      RATE_LIMIT_CONVERSATION_PER_MINUTE: '100000000',
      ...env,
    }),
  );
  const url = await app.start();
  const startMs = performance.now() - t0;
  return {
    app,
    url,
    startMs,
    sqlitePath,
    async stop() {
      await app.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Message texts from an evaluation set (JSON Lines with "text"). */
export function readTexts(file: string): string[] {
  const texts = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => (JSON.parse(line) as { text: string }).text);
  if (texts.length === 0) throw new Error(`${file} has no lines`);
  return texts;
}
