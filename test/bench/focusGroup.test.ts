import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBenchApp, type BenchApp } from '../../src/bench/app';
import { benchFocusGroup } from '../../src/bench/focusGroup';

describe('focus-group benchmark', () => {
  let bench: BenchApp;
  beforeAll(async () => {
    bench = await startBenchApp();
  });
  afterAll(async () => {
    await bench.stop();
  });

  it("has every participant (run in a process of their own) join once and finish the whole dialogue, and reports the bot's CPU time per turn", async () => {
    const { json, rows } = await benchFocusGroup(bench, { participants: 4, paceMs: 0, maxMs: 60_000 });
    expect(json).toMatchObject({ fg_4_b2b_failed: 0, fg_4_b2b_finished: 4, fg_4_b2b_complete: true });
    expect(json.fg_4_b2b_turns).toBeGreaterThanOrEqual(4 * 8);
    expect(rows[0]?.now).toMatch(/the bot's CPU \d+\.\d ms per turn/);
    const [session] = await bench.app.focusGroups.sessions('mora');
    expect((await bench.app.focusGroups.progress(session!.id)).joined).toBe(4);
  });
});
