import { describe, expect, it, vi } from 'vitest';
import { lookupTerms, similarityTerms } from '../../src/domain/feedback/similar';

describe('similar-suggestion lookup terms', () => {
  it('looks up the distinct terms, longest first, equal lengths in a fixed order, at most eight', () => {
    const terms = similarityTerms('Fler nätverksträffar och företagarluncher för småföretagare, fler träffar och luncher i Mora centrum', 'sv');
    const found = lookupTerms(terms);
    expect(new Set(found).size).toBe(found.length);
    expect(found.length).toBeLessThanOrEqual(8);
    for (let i = 1; i < found.length; i += 1) {
      const [a, b] = [found[i - 1]!, found[i]!];
      expect(a.length > b.length || (a.length === b.length && a < b)).toBe(true);
    }
    expect(lookupTerms(['bb', 'aa', 'ccc', 'aa'])).toEqual(['ccc', 'aa', 'bb']);
    expect(lookupTerms([...terms].reverse())).toEqual(found);
  });

  it("never sorts with localeCompare (its first call builds ICU's collator, ~25 ms on the first suggestion's turn)", () => {
    const compare = vi.spyOn(String.prototype, 'localeCompare');
    try {
      lookupTerms(['natverk', 'foretag', 'lunch', 'traff', 'centrum', 'torget']);
      expect(compare).not.toHaveBeenCalled();
    } finally {
      compare.mockRestore();
    }
  });
});
