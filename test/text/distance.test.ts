import { describe, expect, it } from 'vitest';
import { damerauLevenshtein } from '../../src/domain/text/classifier';

const { DamerauLevenshteinDistance } = require('natural/lib/natural/distance/levenshtein_distance') as {
  DamerauLevenshteinDistance: (a: string, b: string) => number;
};

describe('typo distance', () => {
  it("gives natural's Damerau-Levenshtein distance for typos, swaps, compounds and unrelated words", () => {
    const words = ['bygglov', 'bygglv', 'byglov', 'bgyglov', 'serveringstillstand', 'serveringstilstand', 'alkohol', 'alkhool', 'ca', 'abc', 'abcdef', 'badcfe', 'aabb', 'bbaa', 'tillstand', 'stillstand', '', 'a', 'foretag', 'foretagare', 'parkering', 'parkeirng'];
    for (const a of words) for (const b of words) expect(damerauLevenshtein(a, b), `${a} → ${b}`).toBe(DamerauLevenshteinDistance(a, b));
  });
});
