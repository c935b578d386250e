import { z } from 'zod';

/**
 * The shape of the data under data/. Every file is validated with these schemas when it is
 * loaded; an error names the file and the field (see loader.ts).
 *
 * data/
 *   shared/processes.json      national process guidance, one per taxonomy topic (sv + en)
 *   shared/scenarios.json      business scenarios: several processes in order (a checklist)
 *   shared/contacts.json       national agencies and regional promoters shared by all packs
 *   shared/phrasings.json      router training phrasings per topic and scenario (sv + en)
 *   shared/crisis.json         crisis signals and help lines
 *   texts/sv.json, en.json     every text the bot shows, keyed
 *   packs/<id>/municipality.json, contacts.json, processes.json, focus-areas.json, initiatives.json
 */

export const languages = ['sv', 'en'] as const;
export type Language = (typeof languages)[number];

/** A text in both languages. */
export const localized = z.object({ sv: z.string().min(1), en: z.string().min(1) }).strict();
export type Localized = z.infer<typeof localized>;

export const link = z
  .object({
    title: localized,
    url: z.url(),
  })
  .strict();
export type Link = z.infer<typeof link>;

const id = z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'expected a lower-case id (a-z, 0-9, "-", ".")');

/**
 * What a contact does. Processes name the role they need; each pack says which of its contacts
 * fills it. Municipal units first, then national agencies and regional promoters.
 */
/** Roles a municipality fills itself: a process that needs one must find it in the pack. */
export const municipalRoles = [
  'switchboard',
  'business-office',
  'business-pilot',
  'event-pilot',
  'building-permits',
  'environment-health',
  'food-control',
  'alcohol-licensing',
  'tobacco-licensing',
  'procurement',
  'land-development',
  'planning',
  'streets-public-space',
  'rescue-service',
  'water-sewage',
  'waste',
  'labour-market',
  'adult-education',
  'school-business',
  'crime-prevention',
  'finance-invoices',
] as const;

export const contactRoles = [
  ...municipalRoles,
  'tourism-destination',
  // regional promoters
  'almi',
  'new-business-centre',
  'iuc',
  'science-park',
  'coompanion',
  'young-enterprise',
  'region',
  // national agencies
  'tax-agency',
  'companies-registration',
  'police',
  'food-agency',
  'public-health-agency',
  'employment-service',
  'verksamt',
  'other',
] as const;
export type ContactRole = (typeof contactRoles)[number];

export const contact = z
  .object({
    id,
    roles: z.array(z.enum(contactRoles)).min(1),
    name: localized,
    description: localized.optional(),
    /** Phone as published by the organisation; never a person's direct line unless published as the unit's. */
    phone: z.string().regex(/^[0-9 +()-]{5,}$/, 'expected a phone number such as 0250-260 00').optional(),
    email: z.email().optional(),
    website: z.url().optional(),
    openingHours: localized.optional(),
    address: z.string().optional(),
    /** True when the municipality must confirm this entry (no unit contact in the sources). */
    toVerify: z.boolean().default(false),
    /** Where the facts come from (a URL or a document name). */
    source: z.string().optional(),
  })
  .strict();
export type Contact = z.infer<typeof contact>;
export const contactList = z.array(contact);

export const processGuide = z
  .object({
    topic: id,
    title: localized,
    /** The short answer: what to do, in two or three sentences. */
    summary: localized,
    steps: z.array(localized).min(1),
    prepare: z.array(localized).default([]),
    handlingTime: localized.optional(),
    fees: localized.optional(),
    /** The laws it rests on, by their Swedish names, e.g. "Livsmedelslagen (2006:804)". */
    laws: z.array(z.string()).default([]),
    links: z.array(link).default([]),
    /** The role of the contact to turn to; the pack maps it to one of its contacts. */
    contactRole: z.enum(contactRoles),
    /** Further roles worth naming (e.g. the Tax Agency for F-skatt). */
    alsoRoles: z.array(z.enum(contactRoles)).default([]),
  })
  .strict();
export type ProcessGuide = z.infer<typeof processGuide>;
export const processList = z.array(processGuide);

export const scenario = z
  .object({
    id,
    title: localized,
    intro: localized,
    /** The topic that represents this scenario in topic rankings and evaluations. */
    primaryTopic: id,
    steps: z
      .array(
        z
          .object({
            topic: id,
            what: localized,
          })
          .strict(),
      )
      .min(2),
  })
  .strict();
export type Scenario = z.infer<typeof scenario>;
export const scenarioList = z.array(scenario);

/** The router's intent for messages outside what the bot is for (general knowledge, shop prices, small talk). */
export const OFF_TOPIC_INTENT = 'off-topic';

/** Router training phrasings. `intent` is a topic id, `scenario:<scenario id>` or `off-topic`. */
export const phrasingSet = z
  .object({
    intent: z.string().regex(/^(scenario:)?[a-z0-9][a-z0-9.-]*$/, 'expected a topic id or scenario:<id>'),
    sv: z.array(z.string().min(2)).default([]),
    en: z.array(z.string().min(2)).default([]),
    /** Words and word stems that signal this intent strongly (synonyms, compounds), both languages. */
    keywords: z.array(z.string().min(2)).default([]),
  })
  .strict();
export type PhrasingSet = z.infer<typeof phrasingSet>;
export const phrasingList = z.array(phrasingSet);

const regexSource = z.string().min(2).refine((source) => {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

export const crisisConfig = z
  .object({
    /** Lower-case word stems or phrases that signal a crisis, per language; folded like user text. */
    signals: z.object({ sv: z.array(z.string().min(2)), en: z.array(z.string().min(2)) }).strict(),
    /**
     * Regular expressions on the same normalised text (punctuation as spaces) for what exact phrases
     * cannot list: threats against staff or others, weapons, self-harm in many wordings.
     */
    patterns: z.object({ sv: z.array(regexSource), en: z.array(regexSource) }).strict().default({ sv: [], en: [] }),
    /** Figurative wordings that are not a crisis ("det brinner i knutarna"); removed before matching. */
    exclusions: z.array(regexSource).default([]),
    helpLines: z
      .array(
        z
          .object({
            name: localized,
            phone: z.string(),
            when: localized,
            website: z.url().optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();
export type CrisisConfig = z.infer<typeof crisisConfig>;

export const municipality = z
  .object({
    id,
    name: z.string().min(1),
    /** Switchboard (växel) as the municipality publishes it. */
    switchboard: z.string().regex(/^[0-9 +()-]{5,}$/, 'expected a phone number such as 0250-260 00'),
    email: z.email().optional(),
    website: z.url(),
    visitingAddress: z.string().optional(),
    openingHours: localized.optional(),
    /** The strategy this pack follows, e.g. "Näringslivsstrategi för Mora kommun 2021–2025". */
    strategy: z
      .object({
        title: z.string().min(1),
        url: z.url().optional(),
        /** The name of the feedback channel, e.g. "Gör Mora bättre". */
        feedbackName: z.string().min(1),
      })
      .strict(),
    /** Prefix of feedback reference numbers, e.g. MORA → MORA-2026-000123. */
    referencePrefix: z.string().regex(/^[A-Z]{2,10}$/, 'expected 2–10 capital letters'),
  })
  .strict();
export type Municipality = z.infer<typeof municipality>;

/** The pack's own facts on top of a national process guide. */
export const processOverlay = z
  .object({
    contact: id.optional(),
    alsoContacts: z.array(id).default([]),
    note: localized.optional(),
    fees: localized.optional(),
    handlingTime: localized.optional(),
    links: z.array(link).default([]),
    /** Initiatives of the pack to mention with this topic. */
    initiatives: z.array(id).default([]),
  })
  .strict();
export type ProcessOverlay = z.infer<typeof processOverlay>;
export const processOverlays = z.record(id, processOverlay);

export const focusArea = z
  .object({
    id,
    name: localized,
    description: localized,
    /** True where the pack derived the area from the strategy's themes rather than a named focus area. */
    derived: z.boolean().default(false),
    /** Tagging training examples: realistic suggestions from businesses. */
    examples: z
      .object({ sv: z.array(z.string().min(5)), en: z.array(z.string().min(5)) })
      .strict(),
    keywords: z.array(z.string().min(2)).default([]),
  })
  .strict();
export type FocusArea = z.infer<typeof focusArea>;
export const focusAreaList = z.array(focusArea).min(1);

export const initiative = z
  .object({
    id,
    name: z.string().min(1),
    description: localized,
    kind: z.enum(['meeting-place', 'network', 'feedback-channel', 'service', 'programme', 'event']),
    topics: z.array(id).default([]),
    website: z.url().optional(),
    toVerify: z.boolean().default(false),
  })
  .strict();
export type Initiative = z.infer<typeof initiative>;
export const initiativeList = z.array(initiative);

/** Texts the bot shows: a flat map of key → text with {placeholders}. */
export const textCatalog = z.record(z.string().regex(/^[a-zA-Z0-9_.-]+$/), z.string());
export type TextCatalog = z.infer<typeof textCatalog>;

/** The kinds of work staff handle: the four feedback kinds and contact requests (handoffs). */
export const workKinds = ['suggestion', 'opinion', 'complaint', 'praise', 'contact-request'] as const;
export type WorkKind = (typeof workKinds)[number];

/**
 * Staff setup of a pack (staff.json): the teams that handle feedback and contact requests, the
 * rules that route an item to a team (first match wins, else the default team), the service
 * promise per kind, answer templates and how long contact details are kept after closure.
 */
export const staffSetup = z
  .object({
    teams: z
      .array(z.object({ id, name: localized, description: localized.optional() }).strict())
      .min(1),
    defaultTeam: id,
    rules: z
      .array(
        z
          .object({
            focusArea: id.optional(),
            topic: id.optional(),
            kind: z.enum(workKinds).optional(),
            team: id,
          })
          .strict(),
      )
      .default([]),
    /** First response within this many working days, per kind. */
    servicePromise: z.record(z.enum(workKinds), z.number().int().positive()),
    templates: z.array(z.object({ id, title: localized, text: localized }).strict()).default([]),
    /** Days after closure when contact details are erased and the item kept anonymised. */
    retentionDays: z.number().int().positive().default(365),
  })
  .strict();
export type StaffSetup = z.infer<typeof staffSetup>;

/** Example wordings of the conversation's own intents (stop, help, a person…) and of ordinary answers ('none'). */
export const conversationExamples = z
  .object({
    examples: z.record(z.string().regex(/^[a-z-]+$/), z.object({ sv: z.array(z.string().min(1)), en: z.array(z.string().min(1)) }).strict()),
  })
  .strict();
export type ConversationExamples = z.infer<typeof conversationExamples>;
