/**
 * Finds personal data in free text and masks it before anything is stored: Swedish personnummer and
 * samordningsnummer, phone numbers (Swedish and Nordic), e-mail addresses (also spelled out, "anna at
 * foretag dot se") and bank accounts (clearing + account number, IBAN).
 *
 * Numbers that are not personal data are left alone: organisationsnummer (their month digits are 20 or
 * more, so they never pass as a date; a sole trader's organisationsnummer is a personnummer and is
 * masked as one), order and invoice numbers, dates, times, amounts, postal codes, plusgiro and
 * bankgiro numbers and VAT numbers.
 *
 * Every pattern is a sequence of bounded pieces without nested unbounded repetition, so the time is
 * linear in the length of the text.
 */
export const MASKED_KINDS = ['personal-identity-number', 'phone', 'email', 'bank-account'] as const;
export type MaskedKind = (typeof MASKED_KINDS)[number];

export interface MaskResult {
  text: string;
  masked: Array<{ kind: MaskedKind; count: number }>;
}

const PLACEHOLDER: Record<MaskedKind, string> = {
  'personal-identity-number': '[personnummer]',
  phone: '[telefon]',
  email: '[e-post]',
  'bank-account': '[bankkonto]',
};

/** Hyphen-minus and the other dashes people (and word processors) write: ‐ ‑ ‒ – — ― − ﹣ － */
const DASH = '[\\-\\u2010-\\u2015\\u2212\\uFE63\\uFF0D]';

// ---------------------------------------------------------------------------------------- e-mail
const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]{1,64}\s?@\s?[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){0,5}\.\p{L}{2,24}(?![\p{L}\p{N}])/gu;

const LABEL = '[\\p{L}\\p{N}_%+\\-]{1,64}';
const OPEN = '[\\(\\[\\{<]';
const CLOSE = '[\\)\\]\\}>]';
const AT_WORD = '(?:at|snabel[- ]?a|snabela|@|a)';
const DOT_WORD = '(?:dot|punkt|pkt|\\.)';
const AT = `(?:\\s?${OPEN}\\s?${AT_WORD}\\s?${CLOSE}\\s?|\\s(?:at|snabel[- ]?a|snabela)\\s|\\s?@\\s?)`;
const DOT = `(?:\\s?${OPEN}\\s?${DOT_WORD}\\s?${CLOSE}\\s?|\\s(?:dot|punkt)\\s|\\s\\.\\s|\\.)`; // "foretag . se", not a sentence's full stop
const TLD = '(?:se|nu|com|net|org|eu|info|io|fi|no|dk|is|de|uk|biz|me|app|co|ax|fo|gl)';
/** Spelled-out and bracketed addresses; the top-level domain must be a known one. */
const EMAIL_SPELLED = new RegExp(
  `(?<![\\p{L}\\p{N}_%+.\\-@])${LABEL}(?:${DOT}${LABEL}){0,3}${AT}${LABEL}(?:${DOT}${LABEL}){0,3}${DOT}${TLD}(?![\\p{L}\\p{N}])`,
  'giu',
);

/** English words that come before "at" in running text ("look at mora.se", "we met at Mora dot …"), not a mailbox. */
const NOT_A_MAILBOX = new Set(
  ('look looking looked arrive arrived arrives meet met meeting see seen be is are was were am m live lives lived work works worked working ' +
    'stay staying here there me us them you him her it we i they find found available online visit visited more open located apply ' +
    'read check out click go good best great price prices sell sold buy bought book booked register registered up aimed starting start starts')
    .split(' '),
);

function spelledMailbox(match: string): boolean {
  const word = /^([\p{L}\p{N}_%+-]+)\s(?:at|snabel[- ]?a|snabela)\s/iu.exec(match);
  return !(word?.[1] && NOT_A_MAILBOX.has(word[1].toLowerCase()));
}

// ------------------------------------------------------------------------------------------ IBAN
const IBAN = /(?<![\p{L}\p{N}])[A-Za-z]{2}\d{2}(?:\s?[A-Za-z0-9]{4}){2,7}(?:\s?[A-Za-z0-9]{1,3})?(?![\p{L}\p{N}])/gu;
const IBAN_LENGTH: Record<string, number> = { SE: 24, NO: 15, DK: 18, FI: 18, IS: 26, FO: 18, GL: 18, DE: 22, GB: 22, NL: 18, FR: 27, ES: 24, EE: 20, LV: 21, LT: 20, PL: 28 };

function validIban(compact: string): boolean {
  const expected = IBAN_LENGTH[compact.slice(0, 2)];
  if (expected !== undefined && compact.length !== expected) return false;
  if (compact.length < 15 || compact.length > 34) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const value = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

// ---------------------------------------------------------------------------------- personnummer
const DATE_SEP = `(?:[./ ]|${DASH})?`;
const SERIAL_SEP = `(?:\\s{0,2}(?:${DASH}|[+/])\\s{0,2}|\\s)?`;
// 19900101-0017, 900101-0017, 199001010017, 900101+0017, 1990-01-01-0017, 90.01.01-0017, 900101 – 0017
const IDENTITY = new RegExp(
  `(?<!\\p{N}|\\p{N}${DASH})((?:19|20)\\d{2}|\\d{2})${DATE_SEP}(0[1-9]|1[0-2])${DATE_SEP}([0-3]\\d|[6-9]\\d)(${SERIAL_SEP})(\\d{4})(?!\\p{N}|${DASH}\\p{N})`,
  'gu',
);
/** Words that say the number is the writer's personnummer (so a wrong check digit is a typo, not an order number). */
const IDENTITY_WORDS =
  /person(?:nummer|numret|nr|numm?er)|pers\.?\s?nr|p-?nr\b|\bpnr|samordningsnummer|födelsenummer|personal (?:identity |id )?(?:number|no)|personnummber|social security|identity number|id number/iu;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[i]) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return sum % 10 === 0;
}

/** A first name and a surname (both capitalised) right before a number: whose number it is. */
const NAME_BEFORE = /(?<![\p{L}])\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?\s\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?\s?[,:(]?\s?$/u;

function plausibleDate(yy: string, mm: string, dd: string): boolean {
  const month = Number(mm);
  let day = Number(dd);
  if (day > 60) day -= 60; // samordningsnummer
  if (month < 1 || month > 12 || day < 1) return false;
  const year = Number(yy.length === 4 ? yy : `19${yy}`);
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// ------------------------------------------------------------------------------------------ bank
const ACCOUNT_SEP = `(?:\\s?(?:,|${DASH})\\s?|\\s)`;
/** A clearing number (4 digits, Swedbank's 5th after a dash) followed by a dash or comma and an account number. */
const BANK = new RegExp(
  `(?<![\\p{L}\\p{N}]|\\p{N}(?:${DASH}|[.,/]))[1-9]\\d{3}(?:${DASH}\\d)?\\s?(?:,|${DASH})\\s?\\d(?:(?:\\s|${DASH})?\\d){6,11}(?!\\p{N}|${DASH}\\p{N})`,
  'gu',
);
const BANK_WORDS = '(?:bank)?konto(?:nummer|numret|nr|t)?|kontonr|clearing(?:nummer|nr)?|account(?:\\s(?:number|no\\.?))?|bank\\s?account';
/** After a word that says so, any run of 7–20 digits is an account number. */
const BANK_BY_WORD = new RegExp(
  `(?<![\\p{L}])((?:${BANK_WORDS})\\s?[:.]?\\s?(?:(?:är|is)\\s)?)(\\d(?:${ACCOUNT_SEP}?\\d){6,19})(?!\\p{N})`,
  'giu',
);

// ----------------------------------------------------------------------------------------- phone
const PHONE_SEP = `(?:\\s?(?:${DASH}|[./])\\s?|\\s)`;
// Swedish: 070-123 45 67, 0701234567, 08-123 456 78, 0250-260 00, (0243) 740 00
const PHONE_NATIONAL = new RegExp(
  `(?<![\\p{L}\\p{N}+]|\\p{N}(?:${DASH}|[./]))(?:\\(0[1-9]\\d{0,3}\\)|0[1-9]\\d{0,3})(?:${PHONE_SEP}?\\d){4,9}(?!\\p{N})`,
  'gu',
);
// +46 70 123 45 67, +46 (0)70-123 45 67, 0046 70…, +47 912 34 567, +45, +358, +354, …
const COUNTRY = '(?:46|47|45|358|354|298|299|44|49|33|31|32|34|39|41|43|48|370|371|372)';
const PHONE_INTERNATIONAL = new RegExp(
  `(?<![\\p{L}\\p{N}+])(?:\\+|00)\\s?${COUNTRY}(?:\\s?\\(0\\))?(?:${PHONE_SEP}?\\d){5,12}(?!\\p{N})`,
  'gu',
);

/** Words right before a number that say it is no phone number (nor bank account). */
const NOT_PERSONAL_BEFORE =
  /(?<!\p{L})(?:order|best[äa]llning|faktura|invoice|ocr|referens|reference|ref|ärende|arende|diarie|kund|customer|artikel|art|medlem|avtal|bankgiro|plusgiro|giro|bg|pg|postnummer|postnr|org|organisations|organisation|moms|momsreg|momsregistrerings|vat|serie|produkt|lägenhet|fastighet|objekt|beteckning|id|case|ticket|booking|bokning)(?:s|en|et|n|er|ns|ets)?[.-]?\s?(?:nummer|numret|nr|number|no|beteckning)?\.?\s?[:#]?\s?(?:är\s|is\s)?$/iu;
const AMOUNT_AFTER = /^\s?(?:kr\b|kronor|sek\b|:-|%|st\b|stycken|m2|m²|kvm|tkr|mkr|miljoner|euro|eur\b|€|\$)/iu;
const DATE_LIKE = /^\(?\d{1,2}[./-]\d{1,2}[./-]\d{2,4}/u;
const TIME_LIKE = new RegExp(`^\\d{1,2}[.:]\\d{2}\\s?(?:${DASH}|till)?\\s?\\d{1,2}[.:]\\d{2}`, 'u');
/** 0800-1600: opening hours (a 4-digit area code takes 5–6 more digits, so this is never a phone number) */
const HOURS_LIKE = new RegExp(`^(?:[01]\\d|2[0-3])[0-5]\\d\\s?${DASH}\\s?(?:[01]\\d|2[0-3])[0-5]\\d$`, 'u');
/** 2026-06-01: an ISO date is no clearing number */
const ISO_DATE_START = new RegExp(`^(?:19|20)\\d{2}${DASH}(?:0[1-9]|1[0-2])${DASH}[0-3]\\d`, 'u');

function contextBefore(text: string, offset: number, length = 40): string {
  return text.slice(Math.max(0, offset - length), offset);
}

function digitCount(value: string): number {
  let count = 0;
  for (const ch of value) if (ch >= '0' && ch <= '9') count += 1;
  return count;
}

export function maskPersonalData(input: string): MaskResult {
  const counts = new Map<MaskedKind, number>();
  const mask = (kind: MaskedKind): string => {
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    return PLACEHOLDER[kind];
  };

  let text = input.replace(EMAIL, () => mask('email'));
  text = text.replace(EMAIL_SPELLED, (match) => (spelledMailbox(match) ? mask('email') : match));

  text = text.replace(IBAN, (match, offset: number, whole: string) =>
    // a mistyped check digit is still an account when the writer calls it an IBAN
    validIban(match.replace(/\s/g, '').toUpperCase()) || /iban\s?(?:nr|nummer|number)?\s?[:.]?\s?(?:är\s|is\s)?$/iu.test(contextBefore(whole, offset))
      ? mask('bank-account')
      : match,
  );

  text = text.replace(IDENTITY, (match, yy: string, mm: string, dd: string, sep: string, serial: string, offset: number, whole: string) => {
    if (!plausibleDate(yy, mm, dd)) return match;
    if (luhn(`${yy.slice(-2)}${mm}${dd}${serial}`)) return mask('personal-identity-number');
    // a wrong check digit: still the writer's personnummer when they say so, or when it follows a person's name ("Anna Persson 19900101-1234")
    const before = contextBefore(whole, offset, 50);
    const around = before + ' ' + whole.slice(offset + match.length, offset + match.length + 30);
    return (IDENTITY_WORDS.test(around) || NAME_BEFORE.test(before)) && !sep.includes('+') ? mask('personal-identity-number') : match;
  });

  text = text.replace(BANK_BY_WORD, (_match, word: string) => `${word}${mask('bank-account')}`);
  text = text.replace(BANK, (match, offset: number, whole: string) => {
    if (ISO_DATE_START.test(match) || NOT_PERSONAL_BEFORE.test(contextBefore(whole, offset))) return match;
    if (AMOUNT_AFTER.test(whole.slice(offset + match.length, offset + match.length + 12))) return match;
    return mask('bank-account');
  });

  const phone = (min: number, max: number) => (found: string, offset: number, whole: string) => {
    // The pattern is greedy: "070-123 45 67 7 dagar" takes the 7 too. Cut whole groups off the end until it fits.
    let match = found;
    while (digitCount(match) > max) {
      const cut = match.search(/(?:\s|[./\-\u2010-\u2015\u2212])+\d+$/u);
      if (cut <= 0) return found;
      match = match.slice(0, cut);
    }
    const rest = found.slice(match.length);
    if (digitCount(match) < min) return found;
    if (DATE_LIKE.test(match) || TIME_LIKE.test(match) || HOURS_LIKE.test(match)) return found;
    if (NOT_PERSONAL_BEFORE.test(contextBefore(whole, offset))) return found;
    if (AMOUNT_AFTER.test(whole.slice(offset + found.length, offset + found.length + 12))) return found;
    return mask('phone') + rest;
  };
  text = text.replace(PHONE_INTERNATIONAL, phone(8, 15));
  text = text.replace(PHONE_NATIONAL, phone(8, 10));

  return { text, masked: [...counts].map(([kind, count]) => ({ kind, count })) };
}

/** Masks every string inside a JSON-like value (a card's submitted data, an activity's value). */
export function maskDeep(value: unknown): unknown {
  if (typeof value === 'string') return maskPersonalData(value).text;
  if (Array.isArray(value)) return value.map(maskDeep);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, maskDeep(inner)]));
  return value;
}
