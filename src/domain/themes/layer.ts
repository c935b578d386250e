/**
 * The theme layer: one classifier, shared by every municipality, that says what a suggestion is
 * about (permits, fees, crime, skills, …), trained on a shared corpus of suggestions. A pack's
 * theme map turns themes into that pack's focus areas.
 */
import type { Language } from '../packs/schema';
import { fold } from '../text';
import { trainClassifier, type ModelCache, type TextClassifier } from '../text/classifier';
import type { CorpusLine, Theme, ThemeMap } from './schema';

export interface ThemeScore {
  theme: string;
  probability: number;
}

export interface ThemeLayer {
  readonly themes: readonly Theme[];
  /** Every theme, best first; empty when the text has no word the layer knows. */
  classify(text: string): ThemeScore[];
  /** The theme's readable name ("Avgifter och taxor"); the id when unknown. */
  name(theme: string, language: Language): string;
  readonly stats: TextClassifier['stats'];
}

const trained = new WeakMap<readonly CorpusLine[], ThemeLayer>();

/**
 * Trains the theme classifier from the corpus plus each theme's name and definition. The same
 * corpus array (one loaded data set) is trained once per process.
 */
export function createThemeLayer(themes: readonly Theme[], corpus: readonly CorpusLine[], cache?: ModelCache): ThemeLayer {
  const known = trained.get(corpus);
  if (known && known.themes === themes) return known;
  const layer = trainThemeLayer(themes, corpus, cache);
  trained.set(corpus, layer);
  return layer;
}

function trainThemeLayer(themes: readonly Theme[], corpus: readonly CorpusLine[], cache: ModelCache | undefined): ThemeLayer {
  const byTheme = new Map<string, string[]>(themes.map((t) => [t.id, [t.name.sv, t.name.en, t.definition.sv, t.definition.en]]));
  for (const line of corpus) byTheme.get(line.theme)?.push(line.text);
  const classifier = trainClassifier(
    [...byTheme].map(([label, examples]) => ({ label, examples })),
    { epochs: 8, ngramWeight: 1, cache },
  );
  const names = new Map(themes.map((t) => [t.id, t.name]));
  const cues = themes.filter((t) => t.cues.length > 0).map((t) => ({ theme: t.id, pattern: new RegExp(t.cues.join('|')) }));
  return {
    themes,
    // A getter: a cached model is read at its first use, not when the layer is made.
    get stats() {
      return classifier.stats;
    },
    name: (theme, language) => names.get(theme)?.[language] ?? theme,
    classify(text) {
      const scored = classifier.classify(text).scored.map((s) => ({ theme: s.label, probability: s.probability }));
      return withCues(scored, cues, text);
    },
  };
}

/**
 * How much a theme gains when the text says it outright (one of its cues), before the scores are
 * normalised again. Chosen by cross-validation over the packs' examples and the tagging dev sets
 * (npm run eval -- tagging DIR --cv): 0.2–0.5 all do about as well; more lets a cue outvote the text.
 */
export const CUE_BOOST = 0.35;

function withCues(scored: ThemeScore[], cues: ReadonlyArray<{ theme: string; pattern: RegExp }>, text: string): ThemeScore[] {
  if (scored.length === 0 || cues.length === 0) return scored;
  const folded = fold(text);
  const hit = new Set(cues.filter((c) => c.pattern.test(folded)).map((c) => c.theme));
  if (hit.size === 0) return scored;
  const raised = scored.map((s) => ({ theme: s.theme, probability: s.probability + (hit.has(s.theme) ? CUE_BOOST : 0) }));
  const total = raised.reduce((sum, s) => sum + s.probability, 0);
  return raised.map((s) => ({ theme: s.theme, probability: s.probability / total })).sort((a, b) => b.probability - a.probability);
}

/** A pack's theme map, compiled: theme → area weights, with the keyword rules that override them. */
export interface CompiledThemeMap {
  /** Focus-area distribution for a text whose themes are known. */
  areas(themes: readonly ThemeScore[], text: string): Map<string, number>;
  readonly themeWeight: number;
}

/** Default weight of the theme layer against the pack's own classifier. */
export const DEFAULT_THEME_WEIGHT = 0.5;
/**
 * Only the best themes of a text go through the map, with their own probabilities (not scaled up
 * to 1): a text the layer is unsure of then weighs less against the pack's classifier, and the
 * long tail of unlikely themes cannot add up to an area. Chosen by cross-validation (see CUE_BOOST).
 */
export const THEME_TOP_K = 3;
/**
 * What a text that names something the strategy places (the map's `named`) adds to that area,
 * beside at most 1 from its themes. Chosen on the dev sets (cross-validation over the packs'
 * examples cannot choose it: they seldom name initiatives); 0.25–1 all help, 0.5 is the middle.
 */
export const NAMED_BOOST = 0.5;

export function compileThemeMap(map: Omit<ThemeMap, 'named'> & Partial<Pick<ThemeMap, 'named'>>): CompiledThemeMap {
  const entries = new Map(
    map.map.map((entry) => {
      const total = entry.areas.reduce((sum, a) => sum + a.weight, 0);
      return [
        entry.theme,
        {
          areas: entry.areas.map((a) => ({ area: a.area, weight: a.weight / total })),
          rules: entry.rules.map((r) => ({ pattern: new RegExp(r.pattern), area: r.area })),
        },
      ];
    }),
  );
  const named = (map.named ?? []).map((n) => ({ pattern: new RegExp(n.pattern), area: n.area }));
  return {
    themeWeight: map.themeWeight ?? DEFAULT_THEME_WEIGHT,
    areas(themes, text) {
      const folded = fold(text);
      const out = new Map<string, number>();
      if (themes.length > 0) for (const n of named) if (n.pattern.test(folded)) out.set(n.area, (out.get(n.area) ?? 0) + NAMED_BOOST);
      for (const { theme, probability } of [...themes].sort((a, b) => b.probability - a.probability).slice(0, THEME_TOP_K)) {
        const entry = entries.get(theme);
        if (!entry || probability <= 0) continue;
        const rule = entry.rules.find((r) => r.pattern.test(folded));
        if (rule) {
          out.set(rule.area, (out.get(rule.area) ?? 0) + probability);
          continue;
        }
        for (const { area, weight } of entry.areas) out.set(area, (out.get(area) ?? 0) + probability * weight);
      }
      return out;
    },
  };
}
