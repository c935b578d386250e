import { randomUUID } from 'node:crypto';
import type { DataSet, Pack } from '../packs/loader';
import type { Contact, ContactRole, Language } from '../packs/schema';
import type { ConversationAddress, GuideEvent, GuideEventRepository } from '../ports';
import type { ContactRequest, ContactRequestRepository } from '../feedback/types';
import { maskPersonalData } from '../privacy/mask';
import { detectLanguage, fold } from '../text';
import { detectCrisis } from './crisis';
import { afterDismissal, asksBotOpinion, createIntentReader, feedbackOpening, isPrivateMatter, isReport, isVagueQuestion, looksLikeQuestion, type ConversationIntent } from './intents';
import { ROUTER_THRESHOLDS, routerFor, type RankedTopic, type Router } from './router';
import type { ModelCache } from '../text/classifier';
import { assignmentFor } from '../staff/routing';
import { statedKind } from '../feedback/kinds';
import type { GuideDecision, ProcessAnswer, ScenarioAnswer, TopicOption } from './types';

export interface ContactRequestInput {
  municipality: string;
  name: string;
  company?: string;
  reach: string;
  question: string;
  topic?: string;
  language: Language;
  user: { channelId: string; userId: string };
  address?: ConversationAddress;
  idempotencyKey: string;
  /** When the user agreed to their contact details being stored (the dialog's consent step). */
  consentAt: string;
}

export interface Guide {
  pack(municipality: string): Pack;
  /** Ranked topics for a message, from the same router the conversation uses (for evaluation). */
  rank(municipality: string, text: string): { language: Language; ranked: RankedTopic[] };
  /** The router's training statistics (labels, examples, features, training time, loaded from cache). */
  routerStats(municipality: string): Router['stats'];
  /** The conversation's own intent of a message (stop, help, a person…); tableOnly for answers at text prompts. */
  intent(text: string, options?: { tableOnly?: boolean }): ConversationIntent | undefined;
  /**
   * What to do with a message: answer, scenario checklist, ask back, hand over, crisis, feedback…
   * `previous`: the question the bot last answered or asked back about in this conversation, so a
   * follow-up ("ett par veckor, vi ska renovera", "och vem tömmer den?") is read in its context.
   */
  interpret(municipality: string, text: string, previous?: PreviousQuestion): GuideDecision;
  topicAnswer(municipality: string, topic: string): ProcessAnswer | undefined;
  scenarioAnswer(municipality: string, scenarioId: string): ScenarioAnswer | undefined;
  /** The unit a person-to-person request goes to: the topic's contact, else the business pilot. */
  handoffUnit(municipality: string, topic?: string): Contact;
  /** Stores a "talk to a person" request (personal data only with consent; the question masked). */
  requestContact(input: ContactRequestInput): Promise<ContactRequest>;
  /**
   * Records what the bot did with a message, for the follow-up of the guide: an answer or checklist
   * (`answered`, with the router's confidence), a question back (`clarified`), no answer
   * (`unrecognised`, only when there was text). Other decisions are not guide answers and are not
   * recorded. The text is stored with personal data masked. Never throws.
   */
  recordDecision(municipality: string, decision: GuideDecision, text: string): Promise<void>;
  /** "Was this helpful?": the answer's topic (a checklist's primary topic) and the user's yes or no. Never throws. */
  recordRating(municipality: string, rating: { helpful: boolean; topic?: string; scenario?: string; language: Language }): Promise<void>;
}

/** The question the guide last answered or asked back about (its text masked), and the topic it gave. */
export interface PreviousQuestion {
  text: string;
  topic?: string;
}

/** Longest message read as a follow-up of the previous question. */
const FOLLOW_UP_MAX_WORDS = 14;

export interface GuideDeps {
  data: DataSet;
  store: { contactRequests: ContactRequestRepository; guideEvents: GuideEventRepository };
  now: () => Date;
  onEventError?: (error: unknown) => void;
  /** Trained router models kept between starts. */
  modelCache?: ModelCache;
}

const FEEDBACK_WORDS = /\b(forslag|synpunkt\w*|klagomal|klaga|tips|ide|ideer|inspel|feedback|suggestion|opinion|idea|complaint|complain|tycka till|tyck till|tycker till)\b/;

/** The last sentence of three words or more that asks, in a message of several such sentences. */
function askedQuestion(text: string): string | undefined {
  const sentences = text.split(/(?<=[.!?])\s+/).filter((sentence) => sentence.trim().split(/\s+/).length >= 3);
  return sentences.length >= 2 ? sentences.reverse().find((sentence) => looksLikeQuestion(sentence)) : undefined;
}

export function createGuide(deps: GuideDeps): Guide {
  const { data } = deps;
  const topics = Object.keys(data.taxonomy.topics);
  const routers = new Map<string, Router>();
  const processes = new Map(data.shared.processes.map((p) => [p.topic, p]));
  const scenarios = new Map(data.shared.scenarios.map((s) => [s.id, s]));

  const pack = (municipality: string): Pack => {
    const found = data.packs.get(municipality);
    if (!found) throw new Error(`no data pack "${municipality}"`);
    return found;
  };
  const router = (municipality: string): Router => {
    let found = routers.get(municipality);
    if (!found) {
      found = routerFor({ shared: data.shared, taxonomyTopics: topics, packPhrasings: pack(municipality).phrasings, cache: deps.modelCache });
      routers.set(municipality, found);
    }
    return found;
  };
  const readIntent = createIntentReader(data.shared.conversation, deps.modelCache);
  // Train every pack's router at start, not on the first question.
  for (const id of data.packs.keys()) router(id);

  const switchboard = (p: Pack): Contact => ({
    id: 'switchboard',
    roles: ['switchboard'],
    name: { sv: `${p.municipality.name}s växel`, en: `${p.municipality.name} switchboard` },
    phone: p.municipality.switchboard,
    website: p.municipality.website,
    email: p.municipality.email,
    openingHours: p.municipality.openingHours,
    toVerify: false,
  });
  const byRole = (p: Pack, role: ContactRole): Contact | undefined =>
    p.contacts.find((c) => c.roles.includes(role)) ?? data.shared.contacts.find((c) => c.roles.includes(role));
  const byId = (p: Pack, id: string): Contact | undefined => p.contacts.find((c) => c.id === id);

  const topicAnswer = (municipality: string, topic: string): ProcessAnswer | undefined => {
    const p = pack(municipality);
    const process = processes.get(topic);
    if (!process) return undefined;
    const overlay = p.processes[topic];
    const contact =
      (overlay?.contact ? byId(p, overlay.contact) : undefined) ?? byRole(p, process.contactRole) ?? switchboard(p);
    const also: Contact[] = [];
    const add = (c: Contact | undefined) => {
      if (c && c.id !== contact.id && !also.some((a) => a.id === c.id)) also.push(c);
    };
    for (const id of overlay?.alsoContacts ?? []) add(byId(p, id));
    for (const role of process.alsoRoles) add(byRole(p, role));
    return {
      topic,
      title: process.title,
      summary: process.summary,
      steps: process.steps,
      prepare: process.prepare,
      handlingTime: overlay?.handlingTime ?? process.handlingTime,
      fees: overlay?.fees ?? process.fees,
      laws: process.laws,
      links: [...process.links, ...(overlay?.links ?? [])],
      note: overlay?.note,
      contact,
      alsoContacts: also,
      initiatives: (overlay?.initiatives ?? []).flatMap((id) => p.initiatives.filter((i) => i.id === id)),
    };
  };

  const scenarioAnswer = (municipality: string, scenarioId: string): ScenarioAnswer | undefined => {
    const scenario = scenarios.get(scenarioId);
    if (!scenario) return undefined;
    const steps = scenario.steps.flatMap((step) => {
      const process = topicAnswer(municipality, step.topic);
      return process ? [{ topic: step.topic, what: step.what, process }] : [];
    });
    return { scenario, steps };
  };

  const option = (candidate: RankedTopic): TopicOption => {
    const scenario = candidate.intent.startsWith('scenario:') ? scenarios.get(candidate.intent.slice(9)) : undefined;
    const title = scenario?.title ?? processes.get(candidate.topic)?.title ?? { sv: candidate.topic, en: candidate.topic };
    return { topic: candidate.topic, title, confidence: candidate.confidence };
  };

  /**
   * A follow-up the guide cannot place alone (too little, or several topics) is read together with
   * the previous question: a new topic that way is answered; the same topic again is answered when
   * the follow-up asks about it ("och vem tömmer den?"), and asked back about with the combined
   * reading's options when it only adds details ("ett par veckor, vi ska renovera").
   */
  const followUp = (municipality: string, text: string, alone: GuideDecision, previous: PreviousQuestion): GuideDecision => {
    if (text.split(/\s+/).length > FOLLOW_UP_MAX_WORDS || isPrivateMatter(text) || asksBotOpinion(text)) return alone;
    if (alone.kind !== 'clarify' && alone.kind !== 'unknown') return alone;
    const own = router(municipality).rank(text);
    // Outside what the bot is for, also after a question that was: say so.
    if (own.offTopic >= ROUTER_THRESHOLDS.offTopic) return alone;
    const combinedText = `${previous.text} ${text}`;
    const combined = decide(municipality, combinedText);
    if (combined.kind === 'answer' || combined.kind === 'scenario') {
      const topic = combined.kind === 'answer' ? combined.answer.topic : combined.answer.scenario.primaryTopic;
      if (topic !== previous.topic || looksLikeQuestion(text)) return combined;
      if (alone.kind === 'clarify') return alone;
      const options = router(municipality).rank(combinedText).ranked.slice(0, 3).map(option);
      return options.length > 0 ? { kind: 'clarify', language: alone.language, options } : alone;
    }
    if (combined.kind === 'clarify' && alone.kind === 'unknown') return { ...combined, language: alone.language };
    return alone;
  };

  /** A suggestion, complaint or praise also says which kind it is when the message states it. */
  const interpret = (municipality: string, raw: string, previous?: PreviousQuestion): GuideDecision => {
    const first = decide(municipality, raw);
    const decision = previous ? followUp(municipality, raw.trim(), first, previous) : first;
    if (decision.kind !== 'feedback') return decision;
    const stated = statedKind(raw);
    return stated ? { ...decision, stated } : decision;
  };

  const decide = (municipality: string, raw: string): GuideDecision => {
    const text = raw.trim();
    const { language, ranked, offTopic } = text ? router(municipality).rank(text) : { language: detectLanguage(text), ranked: [], offTopic: 0 };
    if (!text) return { kind: 'unknown', language };
    if (detectCrisis(text, data.shared.crisis)) return { kind: 'crisis', language, helpLines: data.shared.crisis.helpLines };
    const intent = readIntent(text);
    switch (intent) {
      case 'my-suggestions':
        return { kind: 'my-suggestions', language };
      case 'handoff':
        return { kind: 'handoff', language };
      case 'privacy-info':
        return { kind: 'privacy', language, what: 'info' };
      case 'privacy-erase':
        return { kind: 'privacy', language, what: 'erase' };
      case 'cancel':
      case 'restart':
        return { kind: 'cancel', language };
      case 'help':
      case 'greeting':
      case 'thanks':
      case 'smalltalk':
        return { kind: 'capabilities', language, reason: intent };
      case undefined:
        break;
    }
    const opening = feedbackOpening(text);
    if (opening) return { kind: 'feedback', language, text: opening.rest };
    // "förresten skit i ölen, vad behövs för själva konserten": what follows the dropped part is the question.
    const rest = afterDismissal(text);
    if (rest) {
      const alone = decide(municipality, rest);
      if (alone.kind === 'answer' || alone.kind === 'scenario') return alone;
    }
    if (isPrivateMatter(text) || asksBotOpinion(text)) return { kind: 'unknown', language };
    if (isVagueQuestion(text)) return ranked.length > 0 ? { kind: 'clarify', language, options: ranked.slice(0, 3).map(option) } : { kind: 'unknown', language };
    const top = ranked[0];
    if (!top || top.confidence < ROUTER_THRESHOLDS.clarify) return { kind: 'unknown', language };
    // Outside what the bot is for (general knowledge, shop prices): say so rather than guess a topic.
    if (offTopic >= ROUTER_THRESHOLDS.offTopic && offTopic > top.confidence) return { kind: 'unknown', language };
    const second = ranked[1];
    const clear = top.confidence >= ROUTER_THRESHOLDS.answer && (!second || top.confidence - second.confidence >= 0.1);
    if (top.topic === 'give-feedback' && clear) {
      // "har en idé", "tycker till lite": wanting to give feedback without saying what yet.
      const onlyIntent = text.split(/\s+/).length <= 6 && FEEDBACK_WORDS.test(fold(text));
      return { kind: 'feedback', language, text: onlyIntent ? '' : text };
    }
    // "We're an IT consultancy moving our office here next year. Who can help us find premises?": the
    // question asked, when it is clearly answered alone, more surely than the whole, wins over the story around it.
    const asked = clear ? askedQuestion(text) : undefined;
    if (asked) {
      const alone = decide(municipality, asked);
      if ((alone.kind === 'answer' || alone.kind === 'scenario') && alone.confidence > top.confidence) return alone;
    }
    if (clear) {
      if (top.intent.startsWith('scenario:')) {
        const answer = scenarioAnswer(municipality, top.intent.slice(9));
        if (answer) return { kind: 'scenario', language, answer, confidence: top.confidence, decidingWords: top.decidingWords };
      }
      const answer = topicAnswer(municipality, top.topic);
      if (answer) return { kind: 'answer', language, answer, confidence: top.confidence, decidingWords: top.decidingWords };
    }
    // "Belysningen vid … har varit trasig sedan i höstas", "the bus shelter is broken, email me at …":
    // a report or a wish, not a question, is a suggestion with its content.
    if (isReport(text)) return { kind: 'feedback', language, text };
    // "Det här tar livet av mig med alla blanketter. Hur söker jag serveringstillstånd?": the question
    // in a message of several sentences may be clear where the whole is not.
    const question = askedQuestion(text);
    if (question) {
      const alone = interpret(municipality, question);
      if (alone.kind === 'answer' || alone.kind === 'scenario') return alone;
    }
    return { kind: 'clarify', language, options: ranked.slice(0, 3).map(option) };
  };

  const handoffUnit = (municipality: string, topic?: string): Contact => {
    const p = pack(municipality);
    if (topic && topic !== 'business-pilot' && topic !== 'give-feedback') {
      const answer = topicAnswer(municipality, topic);
      if (answer && p.contacts.some((c) => c.id === answer.contact.id)) return answer.contact;
    }
    return byRole(p, 'business-pilot') ?? byRole(p, 'business-office') ?? switchboard(p);
  };

  const recordEvent = async (event: Omit<GuideEvent, 'id' | 'at'>): Promise<void> => {
    try {
      await deps.store.guideEvents.record({
        ...event,
        text: event.text ? maskPersonalData(event.text).text.slice(0, 500) : undefined,
        id: randomUUID(),
        at: deps.now().toISOString(),
      });
    } catch (error) {
      deps.onEventError?.(error);
    }
  };

  return {
    pack,
    rank: (municipality, text) => router(municipality).rank(text),
    routerStats: (municipality) => router(municipality).stats,
    intent: (text, options) => readIntent(text, options),
    interpret,
    topicAnswer,
    scenarioAnswer,
    handoffUnit,
    async requestContact(input) {
      const p = pack(input.municipality);
      const at = deps.now().toISOString();
      const { request } = await deps.store.contactRequests.create({
        municipality: input.municipality,
        referencePrefix: p.municipality.referencePrefix,
        name: input.name,
        company: input.company || undefined,
        reach: input.reach,
        question: maskPersonalData(input.question).text,
        topic: input.topic,
        unit: handoffUnit(input.municipality, input.topic).id,
        language: input.language,
        consentAt: input.consentAt,
        submitter: { userKey: `${input.user.channelId}:${input.user.userId}`, address: input.address, language: input.language },
        sourceKey: input.idempotencyKey,
        createdAt: at,
        // Routed to a team in the same one write that stores it.
        assignment: assignmentFor(p.staff, { kind: 'contact-request', topic: input.topic }, at),
      });
      await recordEvent({ municipality: input.municipality, kind: 'handoff', topic: input.topic, language: input.language });
      return request;
    },
    async recordDecision(municipality, decision, text) {
      const language = decision.language;
      switch (decision.kind) {
        case 'answer':
          return recordEvent({ municipality, kind: 'answered', topic: decision.answer.topic, confidence: decision.confidence, language, text: text || undefined });
        case 'scenario':
          return recordEvent({ municipality, kind: 'answered', topic: decision.answer.scenario.primaryTopic, confidence: decision.confidence, language, text: text || undefined });
        case 'clarify':
          return recordEvent({ municipality, kind: 'clarified', topic: decision.options[0]?.topic, confidence: decision.options[0]?.confidence, language, text });
        case 'unknown':
          if (text) await recordEvent({ municipality, kind: 'unrecognised', language, text });
          return;
        default:
          return;
      }
    },
    recordRating(municipality, rating) {
      const topic = rating.topic ?? (rating.scenario ? scenarioAnswer(municipality, rating.scenario)?.scenario.primaryTopic : undefined);
      return recordEvent({ municipality, kind: rating.helpful ? 'helpful' : 'not-helpful', topic, language: rating.language });
    },
  };
}
