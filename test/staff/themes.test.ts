import { describe, expect, it } from 'vitest';
import { distinctiveTerms, themesByGroup } from '../../src/domain/staff/themes';
import { testData } from '../helpers/app';

describe('follow-up themes', () => {
  it('themes of every focus area at once equal each area\'s distinctive terms against all texts', () => {
    const areas = testData().packs.get('mora')!.focusAreas;
    const all = areas.flatMap((area) => [
      ...area.examples.sv.map((text) => ({ text, language: 'sv' as const, focusArea: area.id })),
      ...area.examples.en.map((text) => ({ text, language: 'en' as const, focusArea: area.id })),
    ]);
    const byArea = themesByGroup(all, (t) => t.focusArea);
    for (const area of areas) {
      const expected = distinctiveTerms(all.filter((t) => t.focusArea === area.id), all);
      expect(expected.length).toBeGreaterThan(0);
      expect(byArea.get(area.id)).toEqual(expected);
    }
    expect(themesByGroup([], (t: { text: string; language: 'sv' }) => t.text).size).toBe(0);
  });
});
