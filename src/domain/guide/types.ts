import type { Contact, CrisisConfig, Initiative, Language, Localized, Scenario } from '../packs/schema';
import type { FeedbackKind } from '../feedback/types';

/** A process guide as the bot shows it: national guidance with the pack's contact and local facts. */
export interface ProcessAnswer {
  topic: string;
  title: Localized;
  summary: Localized;
  steps: Localized[];
  prepare: Localized[];
  handlingTime?: Localized;
  fees?: Localized;
  laws: string[];
  links: Array<{ title: Localized; url: string }>;
  note?: Localized;
  contact: Contact;
  alsoContacts: Contact[];
  initiatives: Initiative[];
}

export interface ScenarioAnswer {
  scenario: Scenario;
  /** The scenario's steps in order, each with the process it points to. */
  steps: Array<{ topic: string; what: Localized; process: ProcessAnswer }>;
}

export interface TopicOption {
  topic: string;
  title: Localized;
  confidence: number;
}

/** What the guide makes of a message. The bot layer only renders it. */
export type GuideDecision =
  | { kind: 'crisis'; language: Language; helpLines: CrisisConfig['helpLines'] }
  | { kind: 'handoff'; language: Language }
  /** `stated`: the kind of input the message says it is ("Beröm till …", "it's praise"), so it need not be asked. */
  | { kind: 'feedback'; language: Language; text: string; stated?: FeedbackKind }
  | { kind: 'my-suggestions'; language: Language }
  | { kind: 'answer'; language: Language; answer: ProcessAnswer; confidence: number; decidingWords: string[] }
  | { kind: 'scenario'; language: Language; answer: ScenarioAnswer; confidence: number; decidingWords: string[] }
  | { kind: 'clarify'; language: Language; options: TopicOption[] }
  | { kind: 'unknown'; language: Language }
  /** A greeting, thanks, small talk or a plea for help: what the bot can do. */
  | { kind: 'capabilities'; language: Language; reason: 'greeting' | 'thanks' | 'help' | 'smalltalk' }
  /** "avbryt" with nothing going on. */
  | { kind: 'cancel'; language: Language }
  | { kind: 'privacy'; language: Language; what: 'info' | 'erase' };
