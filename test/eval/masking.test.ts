import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { destroyedShare, maskedShare, readMaskingVectors, scoreMasking } from '../../src/eval/maskingEval';

// masking-dev.jsonl was a blind set (first run 97.6 % masked, 0.4 % destroyed); the misses of that run were
// then fixed, so it is a dev set now and its numbers are optimistic.
describe('masking on the dev set', () => {
  const score = scoreMasking(readMaskingVectors(join(__dirname, 'masking-dev.jsonl')));

  it('masks at least 98 % of the personal data and destroys at most 2 % of what must be kept', () => {
    expect(score.total.lines).toBeGreaterThan(250);
    expect(maskedShare(score.total)).toBeGreaterThanOrEqual(0.98);
    expect(destroyedShare(score.total)).toBeLessThanOrEqual(0.02);
  });

  it('keeps every organisationsnummer', () => {
    const organisationNumber = /^(?:16)?\d{2}[2-9]\d{3}-?\d{4}$/;
    const vectors = readMaskingVectors(join(__dirname, 'masking-dev.jsonl'));
    const withOrg = vectors.filter((v) => v.keep.some((k) => organisationNumber.test(k)));
    expect(withOrg.length).toBeGreaterThan(0);
    const lost = score.misses.filter((m) => m.destroyed.some((k) => organisationNumber.test(k)));
    expect(lost).toEqual([]);
  });
});
