import { describe, expect, it } from 'vitest';
import { benchScale } from '../../src/bench/scale';

describe('data-scale benchmark', () => {
  it('measures the scale rows on the local Cosmos emulator too, every row saying it is the emulator, not Azure', async () => {
    const { rows, json } = await benchScale({ store: 'cosmos', sizes: [40], seedMaxMs: 60_000, firstTurns: 1, followUpMaxMs: 30_000 });
    expect(json.store).toMatch(/emulator.*not Azure/);
    expect(rows.length).toBeGreaterThanOrEqual(6);
    for (const row of rows) expect(row.what).toContain('[Cosmos: local emulator, not Azure]');
    expect(rows.find((row) => row.what.startsWith('seeding'))?.now).toMatch(/^0\.04k: /);
    expect(rows.find((row) => row.what.startsWith('DB size'))?.now).toContain('not measured');
    expect(typeof json.similar_cold_first_turn_ms_40).toBe('number');
    expect(typeof json.followup_ms_40).toBe('number');
    expect(json.inbox_new_bytes_40).toBeGreaterThan(1000);
  }, 120_000);
});
