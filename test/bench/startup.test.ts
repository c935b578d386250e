import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/config';
import { startNodeOptions } from '../../src/bench/startup';

describe('start-up benchmark', () => {
  it('starts the bot with the node options of npm start (a heap size V8 plans for, so RSS stays bounded)', () => {
    expect(startNodeOptions(repoRoot())).toEqual(['--max-old-space-size=512']);
  });
});
