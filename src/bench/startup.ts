/**
 * Start-up: the bot as `npm start` runs it (dist/ when built, else tsx), in a child process with
 * its own SQLite file, timed from spawn to the first GET /healthz 200; its RSS after start and
 * after N turns (from /proc on Linux).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../config';
import { postJson, runLoad, sleep, turnBody } from './load';
import type { Row } from './table';

/** A start with an empty model cache trains every model: minutes on a busy shared machine. */
const HEALTHZ_MAX_MS = 240_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function rssMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb ? Math.round(Number(kb) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/** The milliseconds of each start-up phase from the bot's 'start-up phases' log line (src/app.ts). */
function parsePhases(line: string): Record<string, number> | undefined {
  try {
    const { ms } = JSON.parse(line) as { ms?: unknown };
    if (typeof ms !== 'object' || ms === null) return undefined;
    return Object.fromEntries(Object.entries(ms).filter((entry): entry is [string, number] => typeof entry[1] === 'number'));
  } catch {
    return undefined;
  }
}

const formatPhases = (phases: Record<string, number>): string =>
  Object.entries(phases)
    .map(([phase, ms]) => `${phase} ${ms}`)
    .join(' · ');

/** How package.json's start script runs the bot: its environment assignments and node options. */
export interface StartCommand {
  /** e.g. { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2:…' } */
  env: Record<string, string>;
  /** e.g. ['--max-old-space-size=512', '--max-semi-space-size=8'] */
  nodeOptions: string[];
}

/** The `NAME=value … node --option … dist/src/index.js` part of the start script. */
export function startCommand(root: string): StartCommand {
  const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
  const match = /((?:\b[A-Z_][A-Z0-9_]*=\S+\s+)*)node((?:\s+--[\w-]+(?:=\S+)?)*)\s+dist\/src\/index\.js/.exec(scripts.start ?? '');
  const words = (text: string | undefined) => (text ?? '').split(/\s+/).filter((word) => word.length > 0);
  const env = Object.fromEntries(words(match?.[1]).map((word) => [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]));
  return { env, nodeOptions: words(match?.[2]) };
}

export interface StartupOptions {
  turns: number;
  maxMs: number;
  texts: string[];
  /** Model cache directory for the child (a fresh one measures a cold start). */
  modelCacheDir?: string;
  /** What this start is, for the table (cold or warm model cache). */
  label: string;
}

export async function benchStartup(options: StartupOptions): Promise<{ rows: Row[]; json: Record<string, unknown> }> {
  const root = repoRoot();
  const dir = mkdtempSync(join(tmpdir(), 'fl-bench-start-'));
  const port = await freePort();
  const built = join(root, 'dist', 'src', 'index.js');
  // With the environment and node options of `npm start` (the heap sizes V8 plans for and the
  // malloc settings set how far RSS grows); tsx as a loader in the same process (its CLI would add
  // a parent process to the RSS reading).
  const start = startCommand(root);
  const nodeOptions = start.nodeOptions;
  const args = [...nodeOptions, ...(existsSync(built) ? [built] : ['--import', 'tsx', join(root, 'src', 'index.ts')])];
  const env: NodeJS.ProcessEnv = {
    ...start.env,
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    HOST: '127.0.0.1',
    // A start without turns logs at info, for its 'start-up phases' line (the turns' logs would cost).
    LOG_LEVEL: options.turns === 0 ? 'info' : 'warn',
    SQLITE_PATH: join(dir, 'start.sqlite'),
    OUTBOX_DIR: join(dir, 'outbox'),
    DOTENV_CONFIG_QUIET: 'true',
    // The benchmark is one client address sending far more than any one user: no rate limit.
    RATE_LIMIT_IP_PER_MINUTE: '100000000',
    RATE_LIMIT_CONVERSATION_PER_MINUTE: '100000000',
    ...(options.modelCacheDir ? { MODEL_CACHE_DIR: options.modelCacheDir } : {}),
  };
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let phases: Record<string, number> | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    if (phases) return;
    stdout += chunk.toString();
    const line = stdout.split('\n').find((l) => l.includes('"start-up phases"'));
    if (line) phases = parsePhases(line);
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    let startMs: number | undefined;
    while (performance.now() - t0 < HEALTHZ_MAX_MS && child.exitCode === null) {
      try {
        const response = await fetch(`${url}/healthz`);
        await response.text();
        if (response.status === 200) {
          startMs = performance.now() - t0;
          break;
        }
      } catch {
        // not listening yet
      }
      await sleep(25);
    }
    if (startMs === undefined) throw new Error(`the bot did not answer /healthz within ${HEALTHZ_MAX_MS / 1000} s: ${stderr}`);
    const pid = child.pid ?? 0;
    await sleep(500);
    const rssStart = rssMb(pid);
    const conversations = 10;
    const load = await runLoad({ conversations, turns: Math.ceil(options.turns / conversations), maxMs: options.maxMs }, (c, t) =>
      postJson(`${url}/api/messages`, turnBody(`start-c${c}-${Math.floor(t / 20)}`, t, options.texts[(c * 11 + t) % options.texts.length] ?? 'hej')),
    );
    const rssAfter = rssMb(pid);
    const how = [...Object.keys(start.env).map((name) => `${name}=…`), args.includes(built) ? 'dist' : 'tsx', ...nodeOptions].join(' ');
    return {
      rows: [
        { what: `start to /healthz 200 (${how}, ${options.label})`, now: `${(startMs / 1000).toFixed(2)} s`, goal: '< 3 s' },
        ...(phases ? [{ what: `start phases, ms (${options.label})`, now: formatPhases(phases), goal: '' }] : []),
        {
          what: `RSS after start / after ${load.turns} turns`,
          now: `${rssStart ?? '?'} / ${rssAfter ?? '?'} MB${load.failures ? ` (${load.failures} turns failed)` : ''}`,
          goal: '< 250 MB',
        },
      ],
      json: { start_ms: Math.round(startMs), rss_start_mb: rssStart, rss_after_mb: rssAfter, rss_turns: load.turns, ...(phases ? { phases_ms: phases } : {}) },
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => {
      if (child.exitCode !== null) resolve(undefined);
      else child.once('exit', resolve);
      setTimeout(resolve, 5_000);
    });
    rmSync(dir, { recursive: true, force: true });
  }
}
