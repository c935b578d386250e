import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCommand } from '../../src/bench/startup';

/**
 * The quick start's `npm start`: the compiled server (tsconfig.build.json) starts with no
 * configuration but a port, prints its addresses, serves, and stops cleanly on SIGTERM.
 */
describe('npm start (the built server)', () => {
  it('builds, starts, answers and shuts down gracefully', async () => {
    const root = join(__dirname, '..', '..');
    // Built inside the repository (ignored by git) so the compiled code finds node_modules.
    const dir = mkdtempSync(join(join(__dirname, '..', '..'), '.test-build-'));
    try {
      execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')], {
        cwd: root,
        stdio: 'pipe',
      });
      // With the start script's environment and node options (malloc settings, heap sizes).
      const start = startCommand(root);
      const child = spawn(process.execPath, [...start.nodeOptions, join(dir, 'dist', 'src', 'index.js')], {
        cwd: root,
        env: { ...start.env, PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', SQLITE_PATH: join(dir, 'var', 'db.sqlite'), OUTBOX_DIR: join(dir, 'var', 'outbox') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start within 30 s:\n${output}`)), 30_000);
        child.stdout.on('data', () => {
          const match = /Web chat:\s+(http:\/\/\S+?)\/\s/.exec(output);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
      });
      const health = (await (await fetch(`${url}/healthz`)).json()) as { status: string; store: { kind: string }; auth: string };
      expect(health).toMatchObject({ status: 'ok', store: { kind: 'sqlite' }, auth: 'off' });
      // The warning about auth being off is logged asynchronously (pino); give it a moment.
      for (let i = 0; i < 50 && !output.includes('authentication is OFF'); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(output).toContain('authentication is OFF');
      expect((await fetch(`${url}/`)).status).toBe(200);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
