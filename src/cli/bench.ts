/**
 * npm run bench [-- --file test/eval/routing-tune.jsonl] [--n 300] [--concurrency 4]
 * Starts the whole app on a free port with a temporary SQLite file and measures end-to-end turn
 * latency over real HTTP (POST /api/messages with expectReplies). Last line: one JSON object.
 */
process.env.DOTENV_CONFIG_QUIET ??= 'true';

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config';
import { createApp } from '../app';

function arg(argv: string[], name: string, fallback: string): string {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 && argv[index + 1] ? argv[index + 1]! : fallback;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(argv: string[]): Promise<number> {
  const file = arg(argv, 'file', 'test/eval/routing-tune.jsonl');
  const n = Number(arg(argv, 'n', '300'));
  const concurrency = Number(arg(argv, 'concurrency', '4'));
  const texts = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => (JSON.parse(line) as { text: string }).text);
  if (texts.length === 0) throw new Error(`${file} has no lines`);

  const dir = mkdtempSync(join(tmpdir(), 'fl-bench-'));
  const started = Date.now();
  const app = await createApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', SQLITE_PATH: join(dir, 'bench.sqlite'), RATE_LIMIT_IP_PER_MINUTE: '1000000' }));
  const startupMs = Date.now() - started;
  const url = await app.start();
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const worker = async (w: number) => {
    while (next < n) {
      const i = next++;
      const body = {
        type: 'message',
        id: `bench-${i}`,
        channelId: 'emulator',
        serviceUrl: 'http://127.0.0.1:9/',
        deliveryMode: 'expectReplies',
        from: { id: `bench-user-${w}` },
        recipient: { id: 'bot' },
        conversation: { id: `bench-conv-${i}` },
        text: texts[i % texts.length],
      };
      const t0 = performance.now();
      const response = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      await response.text();
      latencies.push(performance.now() - t0);
      if (response.status !== 200) failures += 1;
    }
  };
  const wall0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const wallMs = performance.now() - wall0;
  await app.stop();
  rmSync(dir, { recursive: true, force: true });

  latencies.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  process.stdout.write(`turns: ${n} (concurrency ${concurrency}), failures: ${failures}, startup incl. training: ${startupMs} ms\n`);
  process.stdout.write(`latency ms: p50 ${round(percentile(latencies, 50))}, p95 ${round(percentile(latencies, 95))}, p99 ${round(percentile(latencies, 99))}, max ${round(latencies.at(-1) ?? 0)}\n`);
  process.stdout.write(
    `${JSON.stringify({ task: 'bench', n, failures, startup_ms: startupMs, p50_ms: round(percentile(latencies, 50)), p99_ms: round(percentile(latencies, 99)), turns_per_s: round((n / wallMs) * 1000) })}\n`,
  );
  return failures === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
