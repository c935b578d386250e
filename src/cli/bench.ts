/**
 * npm run bench [-- --quick] [--sections throughput,scale,startup,focus] [--sizes 1000,10000,100000]
 *                 [--concurrency 10,100] [--turns 200] [--max-s 20] [--participants 300,1000]
 *                 [--seed-max-s 900] [--followup-max-s 60] [--store sqlite|cosmos] [--fg-pace-s 10] [--starts 3] [--rss-turns 20000] [--file test/eval/routing-tune.jsonl]
 *
 * The benchmark suite (src/bench/*), loopback traffic only, every loop bounded in count and time:
 *   throughput  turns/s through /api/messages against a bare restify route in the same run (the ratio
 *               is the number), at each concurrency, and p99 at 100 conversations with 1 s think time;
 *   scale       1k/10k/100k seeded items: similar-search first turn (and other users meanwhile),
 *               follow-up API, inbox page, CSV export; `--store cosmos` on the local Cosmos
 *               emulator (@vercel/cosmosdb-server in a child process), not Azure Cosmos DB;
 *   startup     spawn to /healthz 200, RSS after start and after N turns;
 *   focus       a focus group of N participants through the whole dialogue, back to back and at a
 *               10 s pace (joins spread over 10 s, each answer 10 s after the last reply).
 * Prints the issue's table (what | now | goal); the last line is one JSON object.
 */
process.env.DOTENV_CONFIG_QUIET ??= 'true';

import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { repoRoot } from '../config';
import { readTexts, startBenchApp } from '../bench/app';
import { benchThroughput } from '../bench/throughput';
import { benchScale } from '../bench/scale';
import { benchStartup } from '../bench/startup';
import { benchFocusGroup } from '../bench/focusGroup';
import { formatTable, unmeasured, type Row } from '../bench/table';
import { percentile } from '../bench/load';

const SECTIONS = ['throughput', 'scale', 'startup', 'focus'] as const;
type Section = (typeof SECTIONS)[number];

function arg(argv: string[], name: string): string | undefined {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? argv[index + 1] : undefined;
}
const numbers = (value: string | undefined, fallback: number[]): number[] =>
  value ? value.split(',').map((v) => Number(v.trim())).filter((n) => Number.isFinite(n) && n > 0) : fallback;

async function main(argv: string[]): Promise<number> {
  const quick = argv.includes('--quick');
  const sections = (arg(argv, 'sections')?.split(',') ?? [...SECTIONS]).filter((s): s is Section => (SECTIONS as readonly string[]).includes(s));
  const maxMs = Number(arg(argv, 'max-s') ?? (quick ? 5 : 20)) * 1000;
  const texts = readTexts(join(repoRoot(), arg(argv, 'file') ?? 'test/eval/routing-tune.jsonl'));
  const rows: Row[] = [];
  const json: Record<string, unknown> = { task: 'bench', quick };
  const log = (line: string) => process.stderr.write(`${line}\n`);

  if (sections.includes('throughput')) {
    log('throughput …');
    const bench = await startBenchApp();
    try {
      const result = await benchThroughput(bench, {
        concurrency: numbers(arg(argv, 'concurrency'), [10, 100]),
        turnsPerConversation: Number(arg(argv, 'turns') ?? (quick ? 10 : 50)),
        maxMs,
        think: { conversations: quick ? 20 : 100, thinkMs: 1000, maxMs: quick ? 5_000 : 20_000 },
        texts,
      });
      rows.push(...result.rows);
      Object.assign(json, result.json);
    } finally {
      await bench.stop();
    }
  } else rows.push(...unmeasured('throughput'));
  if (sections.includes('scale')) {
    log('scale …');
    const result = await benchScale({ store: arg(argv, 'store') === 'cosmos' ? 'cosmos' : 'sqlite', sizes: numbers(arg(argv, 'sizes'), quick ? [1000] : [1000, 10_000, 100_000]), seedMaxMs: Number(arg(argv, 'seed-max-s') ?? (quick ? 30 : 900)) * 1000, firstTurns: 3, followUpMaxMs: Number(arg(argv, 'followup-max-s') ?? 60) * 1000 });
    rows.push(...result.rows);
    Object.assign(json, result.json);
  } else rows.push(...unmeasured('scale'));
  if (sections.includes('startup')) {
    log('startup …');
    const rssTurns = Number(arg(argv, 'rss-turns') ?? (quick ? 500 : 20_000));
    const cold = mkdtempSync(join(tmpdir(), 'fl-bench-models-'));
    try {
      const coldResult = await benchStartup({ turns: 0, maxMs: 1, texts, modelCacheDir: cold, label: 'empty model cache' });
      // The start and its phases (the RSS of a start without turns says little).
      rows.push(...coldResult.rows.filter((row) => row.what.startsWith('start ')));
      json.cold_start_ms = coldResult.json.start_ms;
      // The second start finds the models the first one cached.
      // Time enough for the turns on a busy shared machine (some 30 ms a turn), at least 5 minutes.
      const rssMaxMs = quick ? 20_000 : Math.max(300_000, rssTurns * 30);
      // Warm starts (--starts, the median is the number); the last one also takes the RSS turns.
      const starts = Math.max(1, Number(arg(argv, 'starts') ?? (quick ? 1 : 3)));
      const warmMs: number[] = [];
      let warmPhases: (typeof rows)[number] | undefined;
      for (let k = 1; k < starts; k += 1) {
        const again = await benchStartup({ turns: 0, maxMs: 1, texts, modelCacheDir: cold, label: 'models cached' });
        warmMs.push(Number(again.json.start_ms));
        warmPhases = again.rows.find((row) => row.what.startsWith('start phases')) ?? warmPhases;
      }
      const warm = await benchStartup({ turns: rssTurns, maxMs: rssMaxMs, texts, modelCacheDir: cold, label: 'models cached' });
      warmMs.push(Number(warm.json.start_ms));
      const [startRow, ...rest] = warm.rows;
      if (startRow && warmMs.length > 1) {
        const sorted = [...warmMs].sort((a, b) => a - b);
        startRow.now = `${(percentile(sorted, 50) / 1000).toFixed(2)} s median of ${sorted.length} (${sorted.map((ms) => (ms / 1000).toFixed(1)).join(', ')})`;
      }
      rows.push(...(startRow ? [startRow] : []), ...(warmPhases ? [warmPhases] : []), ...rest);
      Object.assign(json, warm.json, { warm_start_ms: warmMs });
    } finally {
      rmSync(cold, { recursive: true, force: true });
    }
  } else rows.push(...unmeasured('startup'));
  if (sections.includes('focus')) {
    log('focus groups …');
    const bench = await startBenchApp();
    try {
      const [backToBack, paced] = numbers(arg(argv, 'participants'), quick ? [30, 100] : [300, 1000]);
      const paceMs = Number(arg(argv, 'fg-pace-s') ?? (quick ? 1 : 10)) * 1000;
      const a = await benchFocusGroup(bench, { participants: backToBack ?? 300, paceMs: 0, maxMs: 300_000 });
      // Some 12 turns each, one pace interval apart, after joins spread over one interval.
      const b = await benchFocusGroup(bench, { participants: paced ?? 1000, paceMs, maxMs: 20 * paceMs + 60_000 });
      rows.push(...a.rows, ...b.rows);
      Object.assign(json, a.json, b.json);
    } finally {
      await bench.stop();
    }
  } else rows.push(...unmeasured('focus'));
  process.stdout.write(`${formatTable(rows)}\n${JSON.stringify(json)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
