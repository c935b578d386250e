/**
 * Tags a suggestion to the municipality's strategy focus areas (with confidence and a secondary
 * area), and — when it is about the municipality's own service — to one of SKR Insikt's service
 * factors. Trained per pack from the focus areas' examples and keywords, with the same text
 * classifier as the guide's router.
 */
import type { FocusArea, Language } from '../packs/schema';
import { fold } from '../text';
import { trainClassifier, type ModelCache, type TextClassifier } from '../text/classifier';
import type { ServiceFactor } from './types';
import { compileThemeMap, type CompiledThemeMap, type ThemeLayer, type ThemeScore } from '../themes/layer';
import type { Pack } from '../packs/loader';

export interface FocusTag {
  focusArea: string;
  confidence: number;
  /** The next area, when it is close enough to be worth a staff member's look. */
  secondaryArea?: string;
  /** True when the top two areas are so close that the user should choose between them. */
  close: boolean;
  /** Every area, best first. */
  ranked: Array<{ focusArea: string; confidence: number }>;
  decidingWords: string[];
  /** What the suggestion is about (the shared theme layer), best first, at most three. */
  themes: ThemeScore[];
}

export interface Tagger {
  tag(text: string): FocusTag;
  readonly areas: readonly string[];
  readonly stats: TextClassifier['stats'];
}

/** A secondary area is named when it has at least this much of the top area's confidence. */
const SECONDARY_RATIO = 0.35;
/** The two best areas are "close" (the user is offered both) above this ratio. */
const CLOSE_RATIO = 0.75;
const TAGGER_NGRAM_WEIGHT = 1;
/**
 * The pack's classifier is sure of itself on texts like its examples and overconfident on others;
 * beside the theme layer its probabilities are tempered (p^0.5, normalised again) so that a sure
 * theme can outvote it. Chosen with THEME_TOP_K by cross-validation over the packs' examples and
 * the dev sets (npm run eval -- tagging DIR --cv).
 */
export const OWN_TEMPER = 0.5;

/** A staff member's re-tag: the text and the focus area it really belongs to. */
export interface Correction {
  text: string;
  focusArea: string;
}

/** The shared theme layer and the pack's map from themes to its focus areas. */
export interface TaggerThemes {
  layer: ThemeLayer;
  map: CompiledThemeMap;
}

/**
 * The tagger: the pack's own classifier (trained on its focus areas' examples and staff
 * re-tags) combined with the shared theme layer through the pack's theme map.
 */
export function createTagger(focusAreas: FocusArea[], corrections: Correction[] = [], themes?: TaggerThemes, cache?: ModelCache): Tagger {
  const known = new Set(focusAreas.map((a) => a.id));
  const corrected = new Map<string, string[]>();
  for (const c of corrections) if (known.has(c.focusArea)) corrected.set(c.focusArea, [...(corrected.get(c.focusArea) ?? []), c.text]);
  const classifier = trainClassifier(
    focusAreas.map((area) => ({
      label: area.id,
      examples: [
        ...area.examples.sv,
        ...area.examples.en,
        area.name.sv,
        area.name.en,
        area.description.sv,
        area.description.en,
        // Staff corrections count four times: they are real suggestions from this municipality,
        // and beside the theme layer the classifier's say is tempered (OWN_TEMPER).
        ...(corrected.get(area.id) ?? []).flatMap((text) => [text, text, text, text]),
      ],
      keywords: area.keywords,
    })),
    { epochs: 30, ngramWeight: TAGGER_NGRAM_WEIGHT, cache },
  );
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    areas: focusAreas.map((a) => a.id),
    // A getter: a cached model is read at its first use, not when the tagger is made.
    get stats() {
      return classifier.stats;
    },
    tag(text) {
      const own = classifier.classify(text).scored;
      const themeScores = themes ? themes.layer.classify(text) : [];
      const combined = new Map<string, number>(focusAreas.map((a) => [a.id, 0]));
      const decidingWords = new Map<string, string[]>(own.map((s) => [s.label, s.decidingWords]));
      if (own.length > 0 || themeScores.length > 0) {
        const fromThemes = themes && themeScores.length > 0 ? themes.map.areas(themeScores, text) : new Map<string, number>();
        const themeWeight = fromThemes.size === 0 ? 0 : own.length === 0 ? 1 : (themes?.map.themeWeight ?? 0);
        for (const s of themeWeight > 0 ? tempered(own) : own) combined.set(s.label, (combined.get(s.label) ?? 0) + (1 - themeWeight) * s.probability);
        for (const [area, p] of fromThemes) if (combined.has(area)) combined.set(area, (combined.get(area) ?? 0) + themeWeight * p);
      }
      const scored = [...combined].map(([focusArea, p]) => ({ focusArea, p })).sort((a, b) => b.p - a.p);
      const [top, second] = scored;
      if (!top || top.p === 0) {
        // Nothing known in the text: the first area with zero confidence; staff re-tag it.
        const first = focusAreas[0]?.id ?? '';
        return { focusArea: first, confidence: 0, close: false, ranked: focusAreas.map((a) => ({ focusArea: a.id, confidence: 0 })), decidingWords: [], themes: [] };
      }
      return {
        focusArea: top.focusArea,
        confidence: round(top.p),
        secondaryArea: second && second.p >= top.p * SECONDARY_RATIO ? second.focusArea : undefined,
        close: second !== undefined && second.p >= top.p * CLOSE_RATIO,
        ranked: scored.map((s) => ({ focusArea: s.focusArea, confidence: round(s.p) })),
        decidingWords: decidingWords.get(top.focusArea) ?? [],
        themes: themeScores.slice(0, 3).map((t) => ({ theme: t.theme, probability: round(t.probability) })),
      };
    },
  };
}

/** The classifier's probabilities raised to OWN_TEMPER and normalised again (the order stays). */
function tempered<T extends { probability: number }>(scored: readonly T[]): T[] {
  const raised = scored.map((s) => ({ ...s, probability: Math.pow(s.probability, OWN_TEMPER) }));
  const total = raised.reduce((sum, s) => sum + s.probability, 0);
  return total > 0 ? raised.map((s) => ({ ...s, probability: s.probability / total })) : raised;
}

/** A pack's tagger: its own examples, the staff re-tags and (with a theme map) the shared theme layer. */
export function taggerForPack(pack: Pack, layer: ThemeLayer | undefined, corrections: Correction[] = [], cache?: ModelCache): Tagger {
  return createTagger(pack.focusAreas, corrections, layer && pack.themeMap ? { layer, map: compileThemeMap(pack.themeMap) } : undefined, cache);
}

/**
 * SKR Insikt's service factors, by the words people use about them. Only a suggestion that is
 * about the municipality's own handling gets one.
 */
const SERVICE_SUBJECT =
  /\b(kommun\w*|handlaggar\w*|handlaggning\w*|tjansteman\w*|ni|er|era|ert|forvaltning\w*|namnd\w*|bygglov\w*|tillsyn\w*|inspektor\w*|arende\w*|beslut\w*|blankett\w*|e-tjanst\w*|hemsida\w*|webbplats\w*|vaxel\w*|municipality|council|officer\w*|staff|case|caseworker\w*|application|permit\w*|website|inspector\w*)\b/;
const FACTORS: Array<[ServiceFactor, RegExp]> = [
  ['treatment', /\b(bemot\w*|otrevlig\w*|oforskamd\w*|nedlatande|arrogant\w*|trevlig\w*|vanlig\w*|respekt\w*|lyssna\w*|rude|unfriendly|friendly|polite|treated|attitude)\b/],
  ['accessibility', /\b(svarar (inte|aldrig)|nar (inte|ingen)|ingen svarar|svara|telefontid\w*|oppettid\w*|tillganglig\w*|ring\w* tillbaka|kontakta|fa tag|returnerar|answer\w*|reach|phone|call back|opening hours|available|accessible)\b/],
  ['information', /\b(information\w*|info|otydlig\w*|oklar\w*|svart att hitta|hittar inte|hemsida\w*|webbplats\w*|blankett\w*|vagledning|forklar\w*|unclear|information|website|find out|explain\w*|guidance|instructions)\b/],
  ['competence', /\b(kompeten\w*|kunnig\w*|okunnig\w*|kunskap\w*|fel besked|fel information|fel svar|sa fel|gav fel|felaktig\w*|visste inte|kunde inte svara|expert\w*|incompetent|knowledge\w*|knew|wrong advice|skilled)\b/],
  ['legal-certainty', /\b(rattssak\w*|likabehandl\w*|godtyck\w*|orattvis\w*|rattvis\w*|olika besked|sarbehandl\w*|forutsagbar\w*|overklag\w*|lagstod|fair\w*|unfair\w*|arbitrary|consistent\w*|inconsistent\w*|equal treatment|appeal)\b/],
  ['efficiency', /\b(lang tid|tar tid|handlaggningstid\w*|vantat|vantar|vantetid\w*|snabb\w*|langsam\w*|krangl\w*|byrakrat\w*|drojer|veckor|manader|slow\w*|quick\w*|fast\w*|took (weeks|months)|waiting|red tape|bureaucra\w*|delay\w*)\b/],
];

export function serviceFactor(text: string, _language?: Language): ServiceFactor | undefined {
  const folded = fold(text);
  if (!SERVICE_SUBJECT.test(folded)) return undefined;
  let best: { factor: ServiceFactor; hits: number } | undefined;
  for (const [factor, pattern] of FACTORS) {
    const hits = (folded.match(new RegExp(pattern.source, 'g')) ?? []).length;
    if (hits > 0 && (!best || hits > best.hits)) best = { factor, hits };
  }
  return best?.factor;
}
