/**
 * How a user may name a focus area when the suggestion dialog asks "I read it as: X. Is that
 * right?" or asks them to choose: the area's name in Swedish or English (typed with or without
 * å/ä/ö), or a word of the name that no other area of the municipality has ("attraktivitet",
 * "kompetens", "infrastructure"). Plain data for the dialog's choice recognition.
 */
import type { FocusArea } from '../packs/schema';
import { fold, foldedWords } from '../text';

/** Words too common to name an area by. */
const COMMON = new Set(['och', 'and', 'for', 'the', 'med', 'att', 'som', 'kommun', 'kommunen', 'municipality', 'business', 'businesses', 'foretag', 'foretagens', 'foretagande', 'doing', 'good', 'goda', 'makes', 'grow', 'vaxa', 'ratt', 'right']);

const wordsOf = (name: string): string[] => foldedWords(name).filter((w) => w.length >= 6 && !COMMON.has(w));

/** Each area's synonyms: its names, folded, and the words of its names no other area shares. */
export function focusAreaSynonyms(areas: readonly FocusArea[], municipalityName: string): Map<string, string[]> {
  const place = new Set(wordsOf(municipalityName));
  const words = new Map(areas.map((area) => [area.id, new Set([...wordsOf(area.name.sv), ...wordsOf(area.name.en)].filter((w) => !place.has(w)))]));
  const count = new Map<string, number>();
  for (const set of words.values()) for (const w of set) count.set(w, (count.get(w) ?? 0) + 1);
  return new Map(
    areas.map((area) => {
      const own = [...(words.get(area.id) ?? [])].filter((w) => count.get(w) === 1);
      return [area.id, [...new Set([area.name.sv, area.name.en, fold(area.name.sv), fold(area.name.en), ...own])]];
    }),
  );
}
