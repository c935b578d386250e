import { describe, expect, it } from 'vitest';
import { kindNamed, statedKind } from '../../src/domain/feedback/kinds';

describe('the kind of input a message states (src/domain/feedback/kinds.ts)', () => {
  it.each([
    ['Beröm till räddningstjänsten för en väldigt pedagogisk brandskyddskontroll i vår restaurang', 'praise'],
    ['jag vill ge berom till miljoinspektoren som var hos oss i veckan', 'praise'],
    ["Hey, I'd like to praise someone", 'praise'],
    ["it's praise", 'praise'],
    ['klagomal fran Anna Persson, vi fick inget besked om var ansokan', 'complaint'],
    ['Jag vill klaga på snöröjningen vid industriområdet i Noret', 'complaint'],
    ['mitt personnr är 850617-2231, jag vill klaga på att ingen svarar i växeln', 'complaint'],
    ['I want to complain about how slow my building permit is being handled', 'complaint'],
    ['Complaint: the road into Eriksberg industrial area is full of potholes', 'complaint'],
    ['I have a complaint', 'complaint'],
    ['det är ett förslag', 'suggestion'],
    ['ok, opinion then', 'opinion'],
    ['det är nog mer en synpunkt', 'opinion'],
  ])('"%s" states %s', (text, kind) => {
    expect(statedKind(text)).toBe(kind);
  });

  it.each([
    'jag har ett förslag',
    'Förslag!',
    'Förslag: fler papperskorgar vid busstationen',
    'Vi får många klagomål från kunderna om parkeringen vid torget',
    'det borde finnas fler laddstolpar vid resecentrum',
    'Feedback: the business office should answer e-mails faster',
  ])('"%s" states no kind (it is asked)', (text) => {
    expect(statedKind(text)).toBeUndefined();
  });

  it('takes the last kind a correction names', () => {
    expect(kindNamed('nej vänta, det är mer ett klagomål faktiskt')).toBe('complaint');
    expect(kindNamed('inte ett klagomål, mer en synpunkt')).toBe('opinion');
    expect(kindNamed('hmm, actually make it an opinion rather')).toBe('opinion');
    expect(kindNamed('berom')).toBe('praise');
    expect(kindNamed('Kyrkogatan')).toBeUndefined();
  });
});
