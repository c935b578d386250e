import { describe, expect, it } from 'vitest';
import { maskPersonalData } from '../src/domain/privacy/mask';

describe('maskPersonalData', () => {
  it.each([
    ['Mitt personnummer är 19900101-0017.', 'Mitt personnummer är [personnummer].'],
    ['pnr 900101-0017 tack', 'pnr [personnummer] tack'],
    ['pnr 9001010017', 'pnr [personnummer]'],
    ['Samordningsnummer 701063-2391', 'Samordningsnummer [personnummer]'],
    ['Ring 070-123 45 67', 'Ring [telefon]'],
    ['Ring +46 70 123 45 67 eller 08-123 456 78', 'Ring [telefon] eller [telefon]'],
    ['mejla anna.berg@foretag.se', 'mejla [e-post]'],
  ])('masks %s', (input, expected) => {
    expect(maskPersonalData(input).text).toBe(expected);
  });

  it.each([
    'ordernr 900101-0018 (fel kontrollsiffra)',
    'org nr 556677-8899',
    'Vi har 120 anställda sedan 2019 och omsätter 5 000 000 kr',
    'Faktura 2024-11-03 nr 4455667788',
  ])('leaves %s alone', (input) => {
    expect(maskPersonalData(input)).toEqual({ text: input, masked: [] });
  });

  it('says what it masked', () => {
    const result = maskPersonalData('19900101-0017, 070-1234567, a@b.se, c@d.se');
    expect(result.masked).toEqual(
      expect.arrayContaining([
        { kind: 'personal-identity-number', count: 1 },
        { kind: 'phone', count: 1 },
        { kind: 'email', count: 2 },
      ]),
    );
  });
});
