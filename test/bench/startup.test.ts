import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/config';
import { startCommand } from '../../src/bench/startup';

const LD_SO = '/lib64/ld-linux-x86-64.so.2';

describe('start-up benchmark', () => {
  it('starts the bot with the environment and node options of npm start (heap sizes V8 plans for, malloc settings)', () => {
    expect(startCommand(repoRoot())).toEqual({
      env: { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2:glibc.malloc.trim_threshold=131072:glibc.malloc.mmap_threshold=131072' },
      nodeOptions: ['--max-old-space-size=512', '--max-semi-space-size=8'],
    });
  });

  it('node runs with those options: the young generation stays within two semi-spaces of 8 MB under churn', () => {
    const { env, nodeOptions } = startCommand(repoRoot());
    // Short-lived objects in bulk, some surviving a scavenge: V8 grows the young generation to its bound.
    const script = `const v8 = require('node:v8'); let keep = []; let max = 0;
      for (let i = 0; i < 4e6; i += 1) { keep.push({ i }); if (keep.length > 3e5) keep = [];
        if (i % 1e5 === 0) max = Math.max(max, v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size); }
      process.stdout.write(JSON.stringify({ max, execArgv: process.execArgv, tunables: process.env.GLIBC_TUNABLES }));`;
    const out = JSON.parse(execFileSync(process.execPath, [...nodeOptions, '-e', script], { env: { ...env, PATH: process.env.PATH }, encoding: 'utf8' })) as {
      max: number;
      execArgv: string[];
      tunables?: string;
    };
    expect(out.execArgv.slice(0, nodeOptions.length)).toEqual(nodeOptions);
    expect(out.tunables).toBe(env.GLIBC_TUNABLES);
    expect(out.max).toBeGreaterThan(0);
    expect(out.max).toBeLessThanOrEqual(2 * 8 * 1024 * 1024);
  });

  it.runIf(existsSync(LD_SO))('glibc reads the malloc tunables of npm start (two arenas, big blocks mapped and returned)', () => {
    const { env } = startCommand(repoRoot());
    const listed = execFileSync(LD_SO, ['--list-tunables'], { env: { ...env }, encoding: 'utf8' });
    expect(listed).toMatch(/glibc\.malloc\.arena_max: 0x2\b/);
    expect(listed).toMatch(/glibc\.malloc\.trim_threshold: 0x20000\b/);
    expect(listed).toMatch(/glibc\.malloc\.mmap_threshold: 0x20000\b/);
  });
});
