/**
 * The guide's router: which topic (or business scenario) a message is about, in Swedish or
 * English, typed with or without å/ä/ö, with typos and with Swedish compounds. A text classifier
 * (../text/classifier.ts, on `natural`) over intents — the taxonomy topics and `scenario:<id>` —
 * trained from the packs' phrasings and keywords when the bot starts.
 *
 * Confidence is the model's probability for the topic (a scenario adds to its primary topic),
 * scaled down when little of the message is vocabulary the router knows, so small talk and
 * questions outside the packs do not look like a topic.
 */
import { OFF_TOPIC_INTENT, type Language, type PhrasingSet, type Scenario } from '../packs/schema';
import { detectLanguage, fold } from '../text';
import { trainClassifier, type ModelCache, type TextClassifier } from '../text/classifier';

export interface RankedTopic {
  /** The taxonomy topic (a scenario counts as its primary topic). */
  topic: string;
  /** The intent that won for this topic: the topic id or `scenario:<id>`. */
  intent: string;
  /** 0..1 */
  confidence: number;
  /** The words of the message that decided it, as the user typed them. */
  decidingWords: string[];
}

export interface RouteResult {
  language: Language;
  /** Topics best first, one entry per topic (at most eight). */
  ranked: RankedTopic[];
  /** How likely the message is about none of the bot's topics (general knowledge, shop prices…), 0..1. */
  offTopic: number;
}

export interface Router {
  rank(text: string): RouteResult;
  readonly stats: TextClassifier['stats'];
}

/** Answer at or above `answer` (with a clear margin); ask back between `clarify` and `answer`; below, say so. */
export const ROUTER_THRESHOLDS = { answer: 0.45, clarify: 0.12, offTopic: 0.3 } as const;
const FEEDBACK_BOOST = 0.5;

/**
 * Words people use when they judge rather than ask ("borde", "för dyrt", "tack för", "should",
 * "too slow"). A suggestion or complaint shares its topic words with a question on that topic; these
 * cues, and the absence of a question, are what set it apart.
 */
const EVALUATIVE = [
  /\b(borde|bor|skulle behova|maste bli|onskar|onskemal|forslag|tycker|anser|klagar|klagomal|missnojd|missnojda|nojd|nojda|tack for|tack till|tack!|stort tack|bra jobbat|jattebra|toppen|fantastisk|usel|uselt|dalig|daligt|dalig|dalia|otrevlig|otrevliga|oforskamd|nedlatande|arrogant|orimlig|orimligt|orimliga|orattvis|orattvist|skandal|skamligt|for dyr|for dyrt|for hog|for hoga|for lang|for langsam|for langsamma|for fa|for manga|for lite|for krangligt|alldeles for|utestanger|missgynnas|ingen svarar|svarar aldrig|ingen lyssnar|lyssnar inte|inte lyssnade|blir inte lyssnade|aldrig far svar|saknas|saknar|fungerar inte|funkar inte|ar bedrovligt|besviken|besvikna)\b/,
  /\b(should|ought to|please|complain|complaint|unhappy|disappointed|great job|thanks|thank you|terrible|awful|poor|rude|unfair|unreasonable|too slow|too high|too expensive|too long|too many|too few|far too|not enough|nobody answers|never answers|never follows|never listens|doesn't listen|don't listen|would be great|would be nice|is missing|are missing|disgrace|fed up)\b/,
];
const QUESTION_START = /^(hur|var|vart|vad|vem|nar|kan|far|maste|behover|ska|finns|galler|how|where|what|who|when|can|do|does|is|are|should i|may)\b/;

function feedbackCue(folded: string): number {
  const hits = EVALUATIVE.reduce((sum, pattern) => sum + (folded.match(new RegExp(pattern.source, 'g'))?.length ?? 0), 0);
  if (hits === 0) return 0;
  const question = folded.trim().endsWith('?') || QUESTION_START.test(folded.trim());
  return question ? 0.5 * Math.min(hits, 2) : Math.min(hits, 2);
}

export interface TrainingInput {
  phrasings: PhrasingSet[];
  scenarios: Scenario[];
  /** Taxonomy topic ids; an intent that is neither a topic nor a known scenario is ignored. */
  topics: readonly string[];
  /** Trained models kept between starts. */
  cache?: ModelCache;
}

export function trainRouter(input: TrainingInput): Router {
  const topicSet = new Set(input.topics);
  const scenarioTopic = new Map(input.scenarios.map((s) => [`scenario:${s.id}`, s.primaryTopic]));
  const topicOf = (intent: string): string | undefined =>
    intent.startsWith('scenario:') ? scenarioTopic.get(intent) : topicSet.has(intent) ? intent : undefined;

  const classifier = trainClassifier(
    input.phrasings
      .filter((set) => topicOf(set.intent) !== undefined || set.intent === OFF_TOPIC_INTENT)
      .map((set) => ({ label: set.intent, examples: [...set.sv, ...set.en], keywords: set.keywords })),
    { epochs: 40, cache: input.cache },
  );

  const rank = (text: string): RouteResult => {
    const language = detectLanguage(text);
    const { scored, coverage, contentWords } = classifier.classify(text);
    if (scored.length === 0) return { language, ranked: [], offTopic: 0 };
    const offTopic = scored.find((entry) => entry.label === OFF_TOPIC_INTENT)?.probability ?? 0;
    // A message of one or two words is judged on those; a longer one needs some known words.
    const trust = Math.min(1, (coverage * Math.min(contentWords, 4) + 0.5) / Math.min(contentWords, 4));
    const byTopic = new Map<string, { total: number; best: (typeof scored)[number] }>();
    for (const entry of scored) {
      const topic = topicOf(entry.label);
      if (!topic) continue;
      const current = byTopic.get(topic);
      if (!current) byTopic.set(topic, { total: entry.probability, best: entry });
      else current.total += entry.probability;
    }
    // Judging words shift weight to give-feedback (renormalised), most when the message is not a question.
    const cue = feedbackCue(fold(text).replace(/\s+/g, ' '));
    const feedback = byTopic.get('give-feedback');
    if (cue > 0 && feedback) {
      const boost = FEEDBACK_BOOST * cue;
      for (const [topic, entry] of byTopic) entry.total = topic === 'give-feedback' ? (entry.total + boost) / (1 + boost) : entry.total / (1 + boost);
    }
    const ranked = [...byTopic]
      .sort((a, b) => b[1].total - a[1].total)
      .slice(0, 8)
      .map(([topic, { total, best }]) => ({
        topic,
        intent: best.label,
        confidence: Math.round(total * trust * 1000) / 1000,
        decidingWords: best.decidingWords,
      }));
    return { language, ranked, offTopic: Math.round(offTopic * 1000) / 1000 };
  };

  return {
    rank,
    // A getter: a cached model is read at its first use, not when the router is made.
    get stats() {
      return classifier.stats;
    },
  };
}

const sharedRouters = new WeakMap<object, Router>();

/** The router for one pack: the shared phrasings plus the pack's own (shared model when a pack adds none). */
export function routerFor(input: {
  shared: { phrasings: PhrasingSet[]; scenarios: Scenario[] };
  taxonomyTopics: readonly string[];
  packPhrasings: PhrasingSet[];
  cache?: ModelCache;
}): Router {
  const train = () =>
    trainRouter({
      phrasings: [...input.shared.phrasings, ...input.packPhrasings],
      scenarios: input.shared.scenarios,
      topics: input.taxonomyTopics,
      cache: input.cache,
    });
  // A model cache shares one classifier per training input by itself (and across starts).
  if (input.packPhrasings.length > 0 || input.cache) return train();
  let router = sharedRouters.get(input.shared);
  if (!router) {
    router = train();
    sharedRouters.set(input.shared, router);
  }
  return router;
}
