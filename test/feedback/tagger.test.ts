import { describe, expect, it } from 'vitest';
import { createTagger, serviceFactor } from '../../src/domain/feedback/tagger';
import { findSimilar } from '../../src/domain/feedback/similar';
import { testData } from '../helpers/app';

describe('feedback tagger', () => {
  const tagger = (id: string) => createTagger(testData().packs.get(id)!.focusAreas);

  it.each([
    ['mora', 'Vi behöver fler svetsare och lärlingsplatser från gymnasiet', 'mora.competence'],
    ['mora', 'Det tar för lång tid att få svar från kommunen när man ringer', 'mora.business-contacts'],
    ['mora', 'Gatubelysningen och vägen till industriområdet behöver rustas upp', 'mora.infrastructure-planning'],
    ['mora', 'Ordna fler företagarluncher och nätverksträffar', 'mora.networks-development'],
    ['borlange', 'Det har varit flera inbrott och skadegörelse i industriområdet', 'borlange.crime-safety'],
    ['borlange', 'More internships for students at local companies would help recruitment', 'borlange.competence-school'],
    ['hedemora', 'Fler fokusgrupper och dialogmöten mellan kommunen och företagen', 'hedemora.dialogue'],
  ])('%s: "%s" → %s', (pack, text, expected) => {
    const tag = tagger(pack).tag(text);
    expect(tag.focusArea).toBe(expected);
    expect(tag.confidence).toBeGreaterThan(0.3);
    expect(tag.ranked[0]?.focusArea).toBe(expected);
    expect(tag.decidingWords.length).toBeGreaterThan(0);
  });

  it('understands text typed without å/ä/ö', () => {
    expect(tagger('mora').tag('fler larlingsplatser och yrkesutbildning pa gymnasiet for svetsare').focusArea).toBe('mora.competence');
  });

  it('gives a secondary area when two areas are close, none when one clearly wins', () => {
    const clear = tagger('mora').tag('Fler lärlingsplatser och praktikplatser för gymnasieelever inom industrin');
    expect(clear.secondaryArea === undefined || clear.ranked[1]!.confidence >= clear.confidence * 0.35).toBe(true);
    const every = tagger('mora').tag('x');
    expect(every.ranked).toHaveLength(testData().packs.get('mora')!.focusAreas.length);
  });

  it('trains every pack in well under a second', () => {
    for (const id of testData().packs.keys()) expect(tagger(id).stats.trainMs).toBeLessThan(5000);
  });
});

describe('service factor (SKR Insikt)', () => {
  it.each([
    ['Handläggaren var otrevlig och nedlåtande mot mig', 'treatment'],
    ['Det går aldrig att nå bygglovshandläggaren, ingen svarar i telefon', 'accessibility'],
    ['Informationen på kommunens hemsida om tillstånd är otydlig', 'information'],
    ['Vi fick fel besked av handläggaren om vilka regler som gäller', 'competence'],
    ['Kommunen behandlar inte alla företag lika, det känns godtyckligt', 'legal-certainty'],
    ['Bygglovet tog fyra månader, handläggningstiden är alldeles för lång', 'efficiency'],
  ])('"%s" → %s', (text, expected) => {
    expect(serviceFactor(text)).toBe(expected);
  });

  it('is left out when the suggestion is not about the municipality\'s own service', () => {
    expect(serviceFactor('Fler företagarluncher vore trevligt')).toBeUndefined();
  });
});

describe('similar suggestions', () => {
  it('finds suggestions that say much the same thing, best first', () => {
    const candidates = [
      { id: 'a', text: 'Snöröjningen på industriområdet Östnor är dålig', language: 'sv' as const },
      { id: 'b', text: 'Fler företagarluncher i centrum', language: 'sv' as const },
      { id: 'c', text: 'Bättre snöröjning behövs på vintern vid Östnor', language: 'sv' as const },
    ];
    const found = findSimilar('Dålig snöröjning i Östnor industriområde', 'sv', candidates);
    expect(found.map((m) => m.id)).toEqual(['a', 'c']);
    expect(findSimilar('Något helt annat om kultur', 'sv', candidates)).toEqual([]);
  });
});
