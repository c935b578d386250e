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

export interface FocusTag {
  focusArea: string;
  confidence: number;
  /** The next area, when it is close enough to be worth a staff member's look. */
  secondaryArea?: string;
  /** Every area, best first. */
  ranked: Array<{ focusArea: string; confidence: number }>;
  decidingWords: string[];
}

export interface Tagger {
  tag(text: string): FocusTag;
  readonly areas: readonly string[];
  readonly stats: TextClassifier['stats'];
}

/** A secondary area is named when it has at least this much of the top area's confidence. */
const SECONDARY_RATIO = 0.35;
const TAGGER_NGRAM_WEIGHT = 1;

/** A staff member's re-tag: the text and the focus area it really belongs to. */
export interface Correction {
  text: string;
  focusArea: string;
}

export function createTagger(focusAreas: FocusArea[], corrections: Correction[] = [], cache?: ModelCache): Tagger {
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
        // Staff corrections count twice: they are real suggestions from this municipality.
        ...(corrected.get(area.id) ?? []).flatMap((text) => [text, text]),
      ],
      keywords: area.keywords,
    })),
    { epochs: 30, ngramWeight: TAGGER_NGRAM_WEIGHT, cache },
  );
  return {
    areas: focusAreas.map((a) => a.id),
    stats: classifier.stats,
    tag(text) {
      const { scored } = classifier.classify(text);
      if (scored.length === 0) {
        // Nothing known in the text: the first area with zero confidence; staff re-tag it.
        const first = focusAreas[0]?.id ?? '';
        return { focusArea: first, confidence: 0, ranked: focusAreas.map((a) => ({ focusArea: a.id, confidence: 0 })), decidingWords: [] };
      }
      const [top, second] = scored;
      const round = (n: number) => Math.round(n * 1000) / 1000;
      return {
        focusArea: top?.label ?? '',
        confidence: round(top?.probability ?? 0),
        secondaryArea: second && top && second.probability >= top.probability * SECONDARY_RATIO ? second.label : undefined,
        ranked: scored.map((s) => ({ focusArea: s.label, confidence: round(s.probability) })),
        decidingWords: top?.decidingWords ?? [],
      };
    },
  };
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
