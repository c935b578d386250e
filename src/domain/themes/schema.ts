/**
 * The shared theme layer's data: what business suggestions are about, the same in every
 * municipality (data/themes.json), the corpus the theme classifier learns from
 * (data/shared/theme-corpus.jsonl), and per pack the map from themes to the pack's focus areas
 * (data/packs/<id>/theme-map.json).
 */
import { z } from 'zod';

const id = z.string().regex(/^[a-z0-9]+(?:[.-][a-z0-9]+)*$/, 'expected a lower-case id (a-z, 0-9, "-" or ".")');
const localized = z.object({ sv: z.string().min(1), en: z.string().min(1) }).strict();

/** A regular expression on the folded text (lower case, å/ä → a, ö → o); it must compile. */
const foldedPattern = z
  .string()
  .min(2)
  .refine(
    (pattern) => {
      try {
        new RegExp(pattern);
        return true;
      } catch {
        return false;
      }
    },
    { error: 'not a regular expression' },
  );

export const themeSchema = z
  .object({
    id,
    name: localized,
    definition: localized,
    /**
     * Words from the definition that say the theme outright (sv, sv without å/ä/ö and en stems,
     * as patterns on the folded text). A match raises the theme beside what the classifier says,
     * so that e.g. "fråga oss innan ni ändrar busslinjerna" is also about being consulted.
     */
    cues: z.array(foldedPattern).default([]),
  })
  .strict();
export type Theme = z.infer<typeof themeSchema>;

export const themeFile = z
  .object({
    about: z.string().optional(),
    themes: z.array(themeSchema).min(2),
  })
  .strict();

/** One line of the theme corpus. */
export const corpusLine = z
  .object({
    text: z.string().min(3).max(2000),
    theme: id,
    lang: z.enum(['sv', 'sv-ascii', 'en']),
  })
  .strict();
export type CorpusLine = z.infer<typeof corpusLine>;

/**
 * Where one theme goes in a pack: one focus area, or several with weights. A rule sends the theme
 * to one area when the suggestion's folded text matches its pattern (e.g. fibre → infrastructure).
 * `source` quotes or names the part of the strategy that puts it there.
 */
export const themeMapEntry = z
  .object({
    theme: id,
    areas: z
      .array(z.object({ area: id, weight: z.number().positive().max(1) }).strict())
      .min(1),
    rules: z
      .array(
        z
          .object({
            /** A regular expression on the lower-cased text with å/ä → a and ö → o (the loader checks it compiles). */
            pattern: z.string().min(2),
            area: id,
          })
          .strict(),
      )
      .default([]),
    source: z.string().min(10),
  })
  .strict();
export type ThemeMapEntry = z.infer<typeof themeMapEntry>;

/**
 * Something the strategy names and places (an initiative, a partner, a meeting form: "Forum Mora",
 * "Moraspåret", "evenemangslots"): a text that names it leans to that area whatever its theme.
 */
export const namedInStrategy = z
  .object({
    pattern: foldedPattern,
    area: id,
    source: z.string().min(10),
  })
  .strict();

export const themeMapFile = z
  .object({
    about: z.string().optional(),
    /** Weight of the theme layer against the pack's own examples (0..1). */
    themeWeight: z.number().min(0).max(1).optional(),
    map: z.array(themeMapEntry).min(1),
    named: z.array(namedInStrategy).default([]),
  })
  .strict();
export type ThemeMap = z.infer<typeof themeMapFile>;
