import Personnummer from 'personnummer';

/**
 * Finds personal data in free text and masks it before anything is stored: Swedish personnummer
 * and samordningsnummer (validated with their check digit, so order numbers and dates are left
 * alone), phone numbers and e-mail addresses.
 */
export type MaskedKind = 'personal-identity-number' | 'phone' | 'email';

export interface MaskResult {
  text: string;
  masked: Array<{ kind: MaskedKind; count: number }>;
}

const PLACEHOLDER: Record<MaskedKind, string> = {
  'personal-identity-number': '[personnummer]',
  phone: '[telefon]',
  email: '[e-post]',
};

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// 19900101-0017, 900101-0017, 199001010017, 9001010017, 900101+0017
const IDENTITY = /(?<![\d-])(?:19|20)?\d{6}[-+ ]?\d{4}(?![\d])/g;
// Swedish numbers: 070-123 45 67, 0701234567, +46 70 123 45 67, 08-123 456 78, 0250-260 00, (0243) 740 00
const PHONE = /(?<![\w+])(?:\+46[\s-]?\(?0?\)?|0046[\s-]?|\(?0)\d{1,3}\)?(?:[\s-]?\d){5,9}(?!\d)/g;

export function maskPersonalData(input: string): MaskResult {
  const counts = new Map<MaskedKind, number>();
  const bump = (kind: MaskedKind) => counts.set(kind, (counts.get(kind) ?? 0) + 1);

  let text = input.replace(EMAIL, () => {
    bump('email');
    return PLACEHOLDER.email;
  });
  text = text.replace(IDENTITY, (match) => {
    if (!Personnummer.valid(match.replace(/\s/g, '-'))) return match;
    bump('personal-identity-number');
    return PLACEHOLDER['personal-identity-number'];
  });
  text = text.replace(PHONE, (match) => {
    const digits = match.replace(/\D/g, '');
    if (digits.length < 7 || digits.length > 13) return match;
    bump('phone');
    return PLACEHOLDER.phone;
  });
  return { text, masked: [...counts].map(([kind, count]) => ({ kind, count })) };
}
