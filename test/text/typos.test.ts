import { describe, expect, it } from 'vitest';
import { correctTypos, oneEditApart, vocabulary, wordsOfPatterns } from '../../src/domain/text/typos';

describe('typos of command words (src/domain/text/typos.ts)', () => {
  it.each([
    ['sugestion', 'suggestion', true],
    ['forlsag', 'forslag', true],
    ['lamnna', 'lamna', true],
    ['hjalpn', 'hjalpen', true],
    ['klagomol', 'klagomal', true],
    ['forslag', 'forslag', false],
    ['forsalg', 'forslag', true],
    ['fslorag', 'forslag', false],
    ['lots', 'lotsmote', false],
  ])('%s and %s one edit apart: %s', (a, b, expected) => {
    expect(oneEditApart(a, b)).toBe(expected);
    expect(oneEditApart(b, a)).toBe(expected);
  });

  const words = vocabulary(wordsOfPatterns([/\b(forslag|synpunkt\w*|klagomal)\b/, /\bhjalp(en)?\b|\bhjalpen\b|\blotsmote\b/, 'suggestions?']));

  it('takes the literal words of patterns, not their escapes', () => {
    expect(words.has('forslag')).toBe(true);
    expect(words.has('synpunkt')).toBe(true);
    expect(words.has('bforslag')).toBe(false);
    expect(words.has('suggestions')).toBe(true);
  });

  it('writes a word one typo from the vocabulary as that word, and leaves the rest as written', () => {
    expect(correctTypos('vill lämna förlsag nu', words)).toBe('vill lämna forslag nu');
    expect(correctTypos('Sugestions please', words)).toBe('suggestions please');
    expect(correctTypos('fler bänkar på torget', words)).toBe('fler bänkar på torget');
  });

  it('keeps an inflection (an ending more or less) and an ambiguous word', () => {
    expect(correctTypos('lotsmoten', words)).toBe('lotsmoten');
    expect(correctTypos('forslagen', words)).toBe('forslagen');
    // "hjalpn" is one edit from "hjalp" and "hjalpen": the one with the same last letter wins
    expect(correctTypos('hjalpn', words)).toBe('hjalpen');
  });
});
