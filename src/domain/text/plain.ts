/**
 * Text one user wrote, shown to another (e.g. "liknande förslag"): no live links and no Markdown.
 * Links keep their words, bare addresses lose their link form, and Markdown characters are removed.
 */
export function plainText(text: string): string {
  return text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\b(?:https?:\/\/|ftp:\/\/|www\.)\S+/gi, '(länk)')
    .replace(/\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:se|com|nu|org|net|io|eu|info)(?:\/\S*)?\b/gi, '(länk)')
    .replace(/[*_#`~>|[\]\\<]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}
