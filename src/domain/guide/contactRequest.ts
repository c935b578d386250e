/** A phone number or e-mail address someone can be reached on (as typed in a chat). */
export function isReachable(value: string): boolean {
  const text = value.trim();
  if (/^[^\s@]+@[^\s@]+\.[A-Za-z]{2,}$/.test(text)) return true;
  const digits = text.replace(/[\s()+-]/g, '');
  return /^\d{7,15}$/.test(digits) && /^[+0(]/.test(text);
}
