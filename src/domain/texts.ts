import type { Language, TextCatalog } from './packs/schema';

/** Every text the bot shows comes from data/texts, keyed, with {placeholders}. */
export interface Texts {
  t(language: Language, key: string, vars?: Record<string, string | number>): string;
  has(language: Language, key: string): boolean;
}

export function createTexts(catalogs: Record<Language, TextCatalog>): Texts {
  return {
    t(language, key, vars = {}) {
      const template = catalogs[language][key] ?? catalogs.sv[key];
      if (template === undefined) throw new Error(`no text "${key}" in data/texts/${language}`);
      return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
        const value = vars[name];
        return value === undefined ? whole : String(value);
      });
    },
    has(language, key) {
      return catalogs[language][key] !== undefined;
    },
  };
}
