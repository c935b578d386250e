/**
 * Recognises a user's request about their own data in the chat: an extract ("vilka uppgifter har ni
 * om mig?", art. 15) or erasure ("radera mina uppgifter", art. 17). Matched on folded text (å/ä/ö →
 * a/o, lower case), so "vilka uppgifter har ni om mig", "vilka uppgifter har ni om mej" and the
 * English phrasings all work.
 */
import { fold } from '../text';

export type PrivacyRequest = 'extract' | 'erase';

const DATA = '(?:mina |min |mitt )?(?:person)?(?:uppgifter|uppgift|data|information|info)';
const PATTERNS: Array<{ request: PrivacyRequest; pattern: RegExp }> = [
  // sv (folded, so also written without å/ä/ö)
  { request: 'erase', pattern: new RegExp(`\\b(?:radera|ta bort|tabort|glom|rensa|stryk)\\b.{0,20}\\b${DATA}\\b`) },
  { request: 'erase', pattern: /\b(?:glom mig|glom bort mig|radera mig|ta bort mig)\b/ },
  { request: 'extract', pattern: new RegExp(`\\b(?:vilka|vad for|vad har ni for|vad har ni|vad finns det for|vad sparar ni|vad vet ni)\\b.{0,30}\\b(?:${DATA}|sparat|lagrat|registrerat)\\b.{0,20}\\b(?:om mig|om mej|pa mig)\\b`) },
  { request: 'extract', pattern: /\bregisterutdrag\b/ },
  { request: 'extract', pattern: /\b(?:gdpr|integritetspolicy|personuppgiftspolicy|dataskydd)\b|\bhur (?:hanterar|behandlar|sparar) ni (?:mina )?(?:person)?uppgifter\b/ },
  { request: 'extract', pattern: new RegExp(`\\butdrag\\b.{0,30}\\b(?:${DATA}|mig|mej)\\b`) },
  { request: 'extract', pattern: new RegExp(`\\b(?:se|visa|fa se|fa ut|begara ut)\\b.{0,10}\\b${DATA}\\b`) },
  // en
  { request: 'erase', pattern: /\b(?:delete|erase|remove|forget|wipe)\b.{0,20}\b(?:my (?:personal )?(?:data|details|information|info)|me)\b/ },
  { request: 'extract', pattern: /\b(?:what|which)\b.{0,30}\b(?:data|information|info|details)\b.{0,30}\b(?:about me|on me|of mine)\b/ },
  { request: 'extract', pattern: /\b(?:privacy policy|how do you (?:handle|process|store) my (?:personal )?data)\b/ },
  { request: 'extract', pattern: /\b(?:what do you (?:store|keep|have|know) about me|(?:show|see|access|export|get) my (?:personal )?(?:data|details|information|info)|subject access request)\b/ },
];

/** The request, when the text is one (erasure wins over an extract: "radera mina uppgifter" mentions data too). */
export function recognisePrivacyRequest(text: string): PrivacyRequest | undefined {
  const folded = fold(text).replace(/[?!.,]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (!folded || folded.length > 200) return undefined;
  const found = PATTERNS.filter((p) => p.pattern.test(folded)).map((p) => p.request);
  if (found.includes('erase')) return 'erase';
  return found[0];
}
