import { afterEach, beforeEach, vi } from 'vitest';

/**
 * A test fails when code logs through console.error without the test expecting it.
 * A test that expects an error log calls `allowConsoleError()` first.
 */
let allowed = false;
let unexpected: unknown[][] = [];

export function allowConsoleError(): void {
  allowed = true;
}

beforeEach(() => {
  allowed = false;
  unexpected = [];
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    if (!allowed) unexpected.push(args);
  });
});

afterEach(() => {
  vi.mocked(console.error).mockRestore();
  if (unexpected.length > 0) {
    const shown = unexpected.map((a) => a.map(String).join(' ')).join('\n');
    throw new Error(`Unexpected console.error during the test:\n${shown}`);
  }
});
