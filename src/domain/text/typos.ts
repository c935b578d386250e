/**
 * One-letter typos of a small vocabulary of command words ("förlsag", "sugestion", "lamnna",
 * "hjälpn"): each word of a message that is not in the vocabulary but one edit (Damerau-Levenshtein:
 * a letter added, left out, changed or two swapped) from exactly one of its words is written as
 * that word. Used by the conversation's own intents and suggestion openings, which match whole
 * phrases and so miss a misspelt key word; the router has its own typo search.
 */
import { fold } from './index';

export interface Vocabulary {
  has(word: string): boolean;
  /** Words of a given length. */
  ofLength(length: number): readonly string[];
}

/**
 * Real words one edit from a command word, never corrected: found by reading every word of the
 * router's phrasings and the theme corpus (about 8,000) through the intents' and openings' typo
 * path ("jag vill klara …" is not "klaga", "trycka upp flygblad" not "tycka", "det beror på" not "beröm").
 */
const REAL_WORDS = new Set(['klara', 'trycka', 'tacka', 'tyska', 'anmalt', 'beror', 'forlag', 'slutna', 'ansluta']);

/** Shortest word that is corrected (and that a vocabulary keeps): shorter words have too many neighbours. */
const MIN_LENGTH = 5;

export function vocabulary(words: Iterable<string>): Vocabulary {
  const all = new Set<string>();
  const byLength = new Map<number, string[]>();
  for (const raw of words) {
    const word = fold(raw);
    if (word.length < MIN_LENGTH || !/^[a-z]+$/.test(word) || all.has(word)) continue;
    all.add(word);
    byLength.set(word.length, [...(byLength.get(word.length) ?? []), word]);
  }
  return { has: (word) => all.has(word), ofLength: (length) => byLength.get(length) ?? [] };
}

/**
 * The literal words of regular expressions (escapes such as `\b`, `\w` and `\s` removed), for a
 * vocabulary drawn from the patterns that match the phrases.
 */
export function wordsOfPatterns(patterns: Iterable<RegExp | string>): string[] {
  const words: string[] = [];
  for (const pattern of patterns) {
    const source = typeof pattern === 'string' ? pattern : pattern.source;
    words.push(...(source.replace(/\\[a-zA-Z]/g, ' ').match(/[a-z]+/g) ?? []));
  }
  return words;
}

/**
 * Whether two different words are one edit apart: one letter changed, added or left out, or two
 * neighbouring letters swapped. (The classifier's Damerau-Levenshtein is natural's, kept as it is for
 * its models, and it counts some words one letter apart as equal: "sugestion" and "suggestion".)
 */
export function oneEditApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA -= 1;
    endB -= 1;
  }
  const differA = endA - start;
  const differB = endB - start;
  if (differA <= 1 && differB <= 1) return true;
  // Two neighbours swapped: "forlsag" / "forslag".
  return differA === 2 && differB === 2 && a[start] === b[start + 1] && a[start + 1] === b[start];
}

/**
 * The vocabulary words one edit from `folded`, likeliest first: the same length (two letters
 * swapped or one mistyped: "complaitn" → "complaint" before "complain"), then the same last letter.
 */
function nearest(folded: string, words: Vocabulary): string[] {
  const found: string[] = [];
  for (const length of [folded.length - 1, folded.length, folded.length + 1]) {
    for (const candidate of words.ofLength(length)) {
      // A typo in the first letter is rare (and the search cheaper without): same first letter, or the first two swapped.
      if (candidate[0] !== folded[0] && !(candidate[0] === folded[1] && candidate[1] === folded[0])) continue;
      // An ending added or left out is a word's inflection ("lotsmoten", "lotsmote"), not a typo.
      if (candidate.startsWith(folded) || folded.startsWith(candidate)) continue;
      if (oneEditApart(folded, candidate)) found.push(candidate);
    }
  }
  const rank = (candidate: string) => (candidate.length === folded.length ? 0 : candidate.at(-1) === folded.at(-1) ? 1 : 2);
  return found.sort((a, b) => rank(a) - rank(b));
}

/** Most readings of one text tried (each ambiguous word multiplies them). */
const MAX_READINGS = 8;

/**
 * The text read with its typos corrected: each word of at least five letters that is not in the
 * vocabulary but one edit from a word of it is written as that word (folded), everything else as
 * it was. A word near several gives several readings, likeliest first (at most eight); none when
 * no word is near. A vocabulary word with one letter more or less at the end is an inflection and
 * stays.
 */
export function typoReadings(text: string, words: Vocabulary): string[] {
  const parts = text.split(/(\p{L}+)/u);
  let readings = [''];
  let changed = false;
  for (const part of parts) {
    const folded = fold(part);
    const options = /^\p{L}+$/u.test(part) && folded.length >= MIN_LENGTH && /^[a-z]+$/.test(folded) && !words.has(folded) && !REAL_WORDS.has(folded) ? nearest(folded, words) : [];
    if (options.length > 0) changed = true;
    const alternatives = options.length > 0 ? options : [part];
    readings = readings.flatMap((reading) => alternatives.map((alternative) => reading + alternative)).slice(0, MAX_READINGS);
  }
  return changed ? readings : [];
}

/** The likeliest reading of a text with its typos corrected (the text itself when none is near). */
export function correctTypos(text: string, words: Vocabulary): string {
  return typoReadings(text, words)[0] ?? text;
}
