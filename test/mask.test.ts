import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MASKED_KINDS, maskPersonalData, type MaskedKind } from '../src/domain/privacy/mask';

/** [input, substring that must not survive, kind it is masked as] */
const mustMask: Array<[string, string, MaskedKind]> = [
  // personnummer and samordningsnummer (valid check digit)
  ['Mitt personnummer är 19900101-0017.', '19900101-0017', 'personal-identity-number'],
  ['pnr 900101-0017 tack', '900101-0017', 'personal-identity-number'],
  ['pnr 9001010017', '9001010017', 'personal-identity-number'],
  ['Samordningsnummer 701063-2391', '701063-2391', 'personal-identity-number'],
  ['född 900101+0017, över hundra', '900101+0017', 'personal-identity-number'],
  // other dashes and a spaced hyphen
  ['det är 900101–0017 (en dash)', '900101–0017', 'personal-identity-number'],
  ['det är 900101\u20100017 (hyphen)', '900101\u20100017', 'personal-identity-number'],
  ['det är 900101\u20110017 (non-breaking hyphen)', '900101\u20110017', 'personal-identity-number'],
  ['det är 19900101 \u2212 0017 (minus)', '0017', 'personal-identity-number'],
  ['det är 900101 - 0017', '900101 - 0017', 'personal-identity-number'],
  ['det är 19900101 – 0017', '19900101', 'personal-identity-number'],
  // written like a date: the date of birth must go too
  ['personnr 1990-01-01-0017', '1990-01-01', 'personal-identity-number'],
  ['kontrollera 90.01.01-0017', '90.01.01', 'personal-identity-number'],
  ['kontrollera 90-01-01-0017', '90-01-01', 'personal-identity-number'],
  ['kontrollera 1990 01 01 0017', '1990 01 01', 'personal-identity-number'],
  // wrong check digit, but given as one's own
  ['mitt personnummer är 850312-1235', '850312-1235', 'personal-identity-number'],
  ['Mitt personnummer: 19850312-1235', '19850312-1235', 'personal-identity-number'],
  ['pnr: 1985-03-12-1235', '1985-03-12', 'personal-identity-number'],
  ['my personal identity number is 850312-1235', '850312-1235', 'personal-identity-number'],
  // wrong check digit, right after a person's name (blind set 4)
  ['klagomal fran Anna Persson 19900101-1234, vi fick inget besked', '19900101-1234', 'personal-identity-number'],
  ['kontaktperson Karl-Erik Holm, 850312-1235', '850312-1235', 'personal-identity-number'],
  ['850312-1235 är mitt personnummer', '850312-1235', 'personal-identity-number'],
  // a sole trader's organisationsnummer is their personnummer
  ['personnummer 900101/0017', '900101/0017', 'personal-identity-number'],
  ['Enskild firma, org nr 900101-0017', '900101-0017', 'personal-identity-number'],
  // phone numbers
  ['Ring 070-123 45 67', '123 45 67', 'phone'],
  ['Ring +46 70 123 45 67 eller', '70 123 45 67', 'phone'],
  ['nås på 08-123 456 78', '123 456 78', 'phone'],
  ['ring 070–123 45 67', '123 45 67', 'phone'],
  ['ring 070\u2011123 45 67', '123 45 67', 'phone'],
  ['ring 070 - 123 45 67', '123 45 67', 'phone'],
  ['ring 070.123.45.67', '123.45.67', 'phone'],
  ['ring 070/123 45 67', '123 45 67', 'phone'],
  ['ring 0250 – 260 00', '260 00', 'phone'],
  ['växel (0243) 740 00', '740 00', 'phone'],
  ['+46 (0)70-123 45 67 dagtid', '123 45 67', 'phone'],
  ['0046 70 123 45 67 dagtid', '123 45 67', 'phone'],
  ['mobil +46701234567', '46701234567', 'phone'],
  ['norskt nummer +47 912 34 567', '912 34 567', 'phone'],
  ['dansk +45 12 34 56 78', '12 34 56 78', 'phone'],
  ['finskt +358 40 123 4567', '40 123 4567', 'phone'],
  ['isländskt +354 555 1234', '555 1234', 'phone'],
  ['0047 912 34 567 funkar', '912 34 567', 'phone'],
  ['tel. 0701234567', '0701234567', 'phone'],
  // a word ending in a keyword's letters (Göteborg, partner) says nothing
  ['kontoret i Göteborg är 031-12 34 56', '12 34 56', 'phone'],
  ['vår partner +358 40 123 4567', '123 4567', 'phone'],
  ['ring Ida 070-123 45 67', '123 45 67', 'phone'],
  ['ring 070-123 45 67 7 dagar i veckan', '123 45 67', 'phone'],
  ['ring 0701234567 8-17', '0701234567', 'phone'],
  ['ring +47 912 34 567 2 ganger', '912 34 567', 'phone'],
  ['kontakta Arthur 070-123 45 67', '123 45 67', 'phone'],
  ['ring mig idag 070-123 45 67', '123 45 67', 'phone'],
  ['hör av dig till kunden, 070-123 45 67', '123 45 67', 'phone'],
  // e-mail
  ['mejla anna.berg@foretag.se', 'anna.berg', 'email'],
  ['mejla åsa.öberg@företag.se', 'åsa.öberg', 'email'],
  ['skriv till Björn_Ärlig@bygg-ab.nu!', 'Björn_Ärlig', 'email'],
  ['anna at foretag dot se', 'anna at foretag', 'email'],
  ['skriv till anna(at)foretag.se', 'anna(at)foretag', 'email'],
  ['anna [at] foretag [punkt] se', 'anna [at] foretag', 'email'],
  ['anna snabel-a foretag punkt se', 'anna snabel-a foretag', 'email'],
  ['anna.berg snabel-a foretag.se', 'anna.berg snabel-a', 'email'],
  ['anna snabel a foretag punkt se', 'anna snabel a foretag', 'email'],
  ['anna@foretag punkt se', 'anna@foretag', 'email'],
  ['skriv till anna at foretag.se', 'anna at foretag', 'email'],
  ['anna punkt berg at foretag punkt se', 'berg at foretag', 'email'],
  ['anna (at) foretag (dot) se', 'anna (at) foretag', 'email'],
  ['anna @ foretag.se', 'anna @ foretag', 'email'],
  ['anna @ foretag . se utan mellanslag', 'anna @ foretag', 'email'],
  ['ANNA AT FORETAG DOT COM', 'ANNA AT FORETAG', 'email'],
  ['info at foretag dot se', 'info at foretag', 'email'],
  // bank accounts and IBAN
  ['Betala till konto 8327-9, 123 456 789-0', '123 456 789', 'bank-account'],
  ['clearing 6000 konto 123 456 789', '123 456 789', 'bank-account'],
  ['bankkonto 1234-12 345 67', '12 345 67', 'bank-account'],
  ['sätt in på 3300-1234567', '1234567', 'bank-account'],
  ['kontonummer: 5050 123 4567', '123 4567', 'bank-account'],
  ['IBAN SE45 5000 0000 0583 9825 7466', '0583 9825 7466', 'bank-account'],
  ['till IBAN SE4550000000058398257467 tack', 'SE4550000000058398257467', 'bank-account'],
  ['iban se45 5000 0000 0583 9825 7466', '0583 9825 7466', 'bank-account'],
  ['iban: SE4550000000058398257466', 'SE4550000000058398257466', 'bank-account'],
  ['my account is DE89 3704 0044 0532 0130 00', '0532 0130 00', 'bank-account'],
];

/** [input, substring that must survive] */
const mustKeep: Array<[string, string]> = [
  ['ordernr 900101-0018 (fel kontrollsiffra)', '900101-0018'],
  ['org nr 556677-8899', '556677-8899'],
  ['organisationsnummer 5566778899', '5566778899'],
  ['orgnr 16556677-8899', '16556677-8899'],
  ['Vi har 120 anställda sedan 2019 och omsätter 5 000 000 kr', '5 000 000 kr'],
  ['Faktura 2024-11-03 nr 4455667788', '2024-11-03'],
  ['Faktura 2024-11-03 nr 4455667788', '4455667788'],
  ['ordernummer 0012345678', '0012345678'],
  ['order 000123456789 har inte kommit', '000123456789'],
  ['fakturanummer 0123456789', '0123456789'],
  ['OCR 0301234567 på fakturan', '0301234567'],
  ['kundnummer 0701234567', '0701234567'],
  ['Ordernumret är 0701234567', '0701234567'],
  ['art.nr 0812345678', '0812345678'],
  ['org.nr 0812345678', '0812345678'],
  ['medlemsnummer 0701234568', '0701234568'],
  ['bokningsnr: 0701234561', '0701234561'],
  ['mötet 03.12.2024 kl 10', '03.12.2024'],
  ['från 05/11/2024 till 07/11/2024', '05/11/2024'],
  ['öppet 08.00–17.00 vardagar', '08.00–17.00'],
  ['öppet 08.00 - 16.30', '08.00 - 16.30'],
  ['öppet kl 0900-1700', '0900-1700'],
  ['stängt 2025-12-20–2026-01-06', '2025-12-20–2026-01-06'],
  ['perioden 2026-06-01 - 2026-08-31', '2026-06-01 - 2026-08-31'],
  ['beloppet 0 500 000 kr', '0 500 000 kr'],
  ['postnummer 792 30 Mora', '792 30'],
  ['Box 123, 792 30 Mora', '792 30'],
  ['plusgiro 12 34 56-7', '12 34 56-7'],
  ['pg 4 77 54-3', '4 77 54-3'],
  ['bankgiro 5050-1055', '5050-1055'],
  ['bg 123-4567', '123-4567'],
  ['momsreg.nr SE556677889901', 'SE556677889901'],
  ['momsnummer SE556677889901 (inte ett IBAN)', 'SE556677889901'],
  ['VAT SE 5566 7788 9901', 'SE 5566 7788 9901'],
  ['Vi startade 2019 och har 2 000 000 kr i omsättning', '2 000 000 kr'],
  ['budget 2025 1 500 000 kr', '1 500 000 kr'],
  ['at the meeting at noon', 'at the meeting at noon'],
  ["I'm at home. Is the office open?", "I'm at home. Is"],
  ['We met at Mora. No problem.', 'We met at Mora. No'],
  ['Have a look at mora.se for the rules', 'look at mora.se'],
  ['Information is available at verksamt.se', 'available at verksamt.se'],
  ['Skriv till anna@foretag. Se till att det kommer fram', 'Se till att'],
  ['Vi ses på Mora punkt, inte på torget at 10', 'Mora punkt'],
  ['ärendenummer 2024-1234567', '2024-1234567'],
  ['mellan 2019-2023 ökade vi med 1234567 kr', '1234567'],
];

describe('maskPersonalData', () => {
  it.each(mustMask)('masks %s', (input, gone, kind) => {
    const result = maskPersonalData(input);
    expect(result.text).not.toContain(gone);
    expect(result.masked.map((m) => m.kind)).toContain(kind);
  });

  it.each(mustKeep)('keeps %s', (input, kept) => {
    expect(maskPersonalData(input).text).toContain(kept);
  });

  it.each([
    ['Mitt personnummer är 19900101-0017.', 'Mitt personnummer är [personnummer].'],
    ['pnr 900101-0017 tack', 'pnr [personnummer] tack'],
    ['Ring 070-123 45 67', 'Ring [telefon]'],
    ['ring 070-123 45 67 7 dagar i veckan', 'ring [telefon] 7 dagar i veckan'],
    ['Ring +46 70 123 45 67 eller 08-123 456 78', 'Ring [telefon] eller [telefon]'],
    ['mejla anna.berg@foretag.se', 'mejla [e-post]'],
    ['anna at foretag dot se.', '[e-post].'],
    ['konto 1234-12 345 67, tack', 'konto [bankkonto], tack'],
    ['personnr 1990-01-01-0017', 'personnr [personnummer]'],
  ])('masks %s exactly', (input, expected) => {
    expect(maskPersonalData(input).text).toBe(expected);
  });

  it.each([
    'ordernr 900101-0018 (fel kontrollsiffra)',
    'org nr 556677-8899',
    'Vi har 120 anställda sedan 2019 och omsätter 5 000 000 kr',
    'Faktura 2024-11-03 nr 4455667788',
    'Vi ses at noon, punkt slut.',
  ])('leaves %s alone', (input) => {
    expect(maskPersonalData(input)).toEqual({ text: input, masked: [] });
  });

  it('says what it masked', () => {
    const result = maskPersonalData('19900101-0017, 070-1234567, a@b.se, c@d.se, IBAN SE45 5000 0000 0583 9825 7466');
    expect(result.masked).toEqual(
      expect.arrayContaining([
        { kind: 'personal-identity-number', count: 1 },
        { kind: 'phone', count: 1 },
        { kind: 'email', count: 2 },
        { kind: 'bank-account', count: 1 },
      ]),
    );
  });

  it('masks everything in a mixed text', () => {
    const text =
      'Hej! Jag heter Anna, pnr 850312-1235 (mitt personnummer), ring 070–123 45 67 eller +47 912 34 567, ' +
      'mejla åsa@företag.se eller anna [at] foretag [punkt] se. Konto 8327-9, 123 456 789-0. Org nr 556677-8899.';
    const result = maskPersonalData(text).text;
    for (const gone of ['850312', '123 45 67', '912 34 567', 'åsa@', 'anna [at]', '123 456 789']) expect(result).not.toContain(gone);
    expect(result).toContain('556677-8899');
  });

  it('finishes on hostile input of 2,000 characters', () => {
    const hostile = [
      'a'.repeat(1000) + '@' + 'a.'.repeat(500),
      '1-'.repeat(1000),
      '0 '.repeat(1000),
      'anna at '.repeat(250),
      'a punkt '.repeat(250),
      '+46 '.repeat(500),
      '1985-03-12 '.repeat(182),
      '@.'.repeat(1000),
      'x(at)'.repeat(400),
    ];
    for (const input of hostile) {
      const result = maskPersonalData(input.slice(0, 2000));
      expect(typeof result.text).toBe('string');
    }
    // the digits in '0 0 0 …' are no phone number, and 'anna at anna at …' has no domain
    expect(maskPersonalData('anna at '.repeat(250)).masked).toEqual([]);
  });

  it.each(['sv', 'en'])('names every masked kind in %s (feedback.maskedKind.*)', (lang) => {
    const texts = JSON.parse(readFileSync(join(__dirname, '..', 'data', 'texts', lang, 'feedback.json'), 'utf8')) as Record<string, string>;
    for (const kind of MASKED_KINDS) expect(texts[`feedback.maskedKind.${kind}`], kind).toBeTruthy();
  });
});
