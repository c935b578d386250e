import { ActionTypes, CardFactory, type Attachment, type CardAction } from 'botbuilder';
import type { Contact, Language, Localized, Municipality } from '../src/domain/packs/schema';
import type { ProcessAnswer, ScenarioAnswer, TopicOption } from '../src/domain/guide/types';
import type { Texts } from '../src/domain/texts';
import type { ButtonValue } from './buttons';

/**
 * Cards the guide shows. Adaptive Cards 1.4 (Teams and Web Chat both render it); texts come from
 * data/texts, facts from the packs. Every value a user can send back is a typed ButtonValue.
 */
const ADAPTIVE_VERSION = '1.4';

type Json = Record<string, unknown>;

export function button(title: string, value: ButtonValue): CardAction {
  // messageBack shows the title as the user's message and sends the value: works in Teams and Web Chat.
  return { type: ActionTypes.MessageBack, title, text: title, displayText: title, value };
}

function submit(title: string, value: ButtonValue): Json {
  return { type: 'Action.Submit', title, data: { ...value, msteams: { type: 'messageBack', displayText: title, text: title } } };
}

const heading = (text: string, size = 'Medium'): Json => ({ type: 'TextBlock', text, weight: 'Bolder', size, wrap: true });
const paragraph = (text: string, extra: Json = {}): Json => ({ type: 'TextBlock', text, wrap: true, ...extra });

/** How many steps a long answer shows before "Show all steps". */
export const STEPS_SHOWN = 3;

/**
 * A phone number as a tel: URI (E.164 for Swedish numbers: "0250-260 00" → "tel:+4625026000";
 * short numbers such as 112 or 1177 stay as they are).
 */
export function telHref(phone: string): string {
  const digits = phone.replace(/[^\d+]/g, '');
  if (digits.startsWith('+')) return `tel:${digits}`;
  if (digits.startsWith('00')) return `tel:+${digits.slice(2)}`;
  if (digits.startsWith('0')) return `tel:+46${digits.slice(1)}`;
  return `tel:${digits}`;
}

/**
 * A phone number as a Markdown link, so a phone can call it with a tap; shown with no-break spaces
 * and hyphens, so a narrow screen never splits the number over two lines.
 */
export const phoneLink = (phone: string): string => `[${phone.replace(/ /g, '\u00a0').replace(/-/g, '\u2011')}](${telHref(phone)})`;

/**
 * One fact as "**Label:** value" in a single text block. (A FactSet gives the label a column that
 * narrow screens squeeze until the label breaks letter by letter.)
 */
const fact = (label: string, value: string): Json => paragraph(`**${label}:** ${value}`, { spacing: 'Small' });

/**
 * A numbered step: the number in its own column, so Markdown never turns it into a one-item list
 * (separate text blocks "2. …" would each render as a list starting at 1).
 */
const numbered = (n: number, items: Json[], extra: Json = {}): Json => ({
  type: 'ColumnSet',
  spacing: 'Small',
  ...extra,
  columns: [
    { type: 'Column', width: '24px', items: [{ type: 'TextBlock', text: String(n), weight: 'Bolder', color: 'Accent', wrap: false }] },
    { type: 'Column', width: 'stretch', items },
  ],
});

/**
 * The first steps, the rest hidden behind "Show all steps (N)" (a toggle, so the answer starts
 * short on a phone and the first steps are what the user sees).
 */
function stepsWithMore(steps: Json[], t: (key: string, vars?: Record<string, string>) => string): Json[] {
  if (steps.length <= STEPS_SHOWN + 1) return steps;
  const targets = ['steps-more', 'steps-show', 'steps-hide'];
  const toggle = (title: string): Json => ({ type: 'Action.ToggleVisibility', title, targetElements: targets });
  return [
    ...steps.slice(0, STEPS_SHOWN),
    { type: 'Container', id: 'steps-more', isVisible: false, spacing: 'Small', items: steps.slice(STEPS_SHOWN) },
    { type: 'ActionSet', id: 'steps-show', spacing: 'Small', actions: [toggle(t('guide.answer.showAllSteps', { count: String(steps.length) }))] },
    { type: 'ActionSet', id: 'steps-hide', isVisible: false, spacing: 'Small', actions: [toggle(t('guide.answer.showFewerSteps'))] },
  ];
}

/** The end of an answer: its own links and actions first, then "Did this help?" with yes/no. */
function closing(answerActions: Json[], helpful: { question: string; yes: Json; no: Json }): Json[] {
  return [
    ...(answerActions.length > 0 ? [{ type: 'ActionSet', actions: answerActions }] : []),
    paragraph(helpful.question, { weight: 'Bolder', separator: true }),
    // Yes and no side by side: short labels, and the card stays shorter on a phone.
    {
      type: 'ColumnSet',
      spacing: 'Small',
      columns: [helpful.yes, helpful.no].map((action) => ({ type: 'Column', width: 'stretch', items: [{ type: 'ActionSet', actions: [action] }] })),
    },
  ];
}

export function contactLines(contact: Contact, municipality: Municipality, lang: Language, texts: Texts): Json[] {
  const t = (key: string, vars?: Record<string, string>) => texts.t(lang, key, vars);
  const facts: Json[] = [];
  if (contact.phone) facts.push(fact(t('guide.answer.phone'), phoneLink(contact.phone)));
  if (contact.email) facts.push(fact(t('guide.answer.email'), `[${contact.email}](mailto:${contact.email})`));
  if (contact.website) facts.push(fact(t('guide.answer.website'), contact.website));
  if (contact.openingHours) facts.push(fact(t('guide.answer.openingHours'), contact.openingHours[lang]));
  const items: Json[] = [paragraph(contact.name[lang], { weight: 'Bolder' })];
  if (contact.description) items.push(paragraph(contact.description[lang], { isSubtle: true, spacing: 'None' }));
  items.push(...facts);
  if (!contact.phone && !contact.email) {
    items.push(
      paragraph(t('guide.answer.viaSwitchboard', { switchboard: phoneLink(municipality.switchboard), unit: contact.name[lang] })),
    );
  }
  if (contact.toVerify) items.push(paragraph(t('guide.answer.toVerify'), { isSubtle: true, size: 'Small' }));
  return items;
}

export function processCard(
  answer: ProcessAnswer,
  municipality: Municipality,
  lang: Language,
  texts: Texts,
): Attachment {
  const t = (key: string, vars?: Record<string, string>) => texts.t(lang, key, vars);
  const body: Json[] = [heading(answer.title[lang], 'Large'), paragraph(answer.summary[lang])];
  if (answer.note) body.push(paragraph(`**${t('guide.answer.note')}:** ${answer.note[lang]}`));
  body.push(heading(t('guide.answer.steps')));
  body.push(...stepsWithMore(answer.steps.map((step, index) => numbered(index + 1, [paragraph(step[lang])])), t));
  if (answer.prepare.length > 0) {
    body.push(heading(t('guide.answer.prepare')));
    for (const item of answer.prepare) body.push(paragraph(`• ${item[lang]}`, { spacing: 'Small' }));
  }
  const facts: Json[] = [];
  if (answer.handlingTime) facts.push(fact(t('guide.answer.handlingTime'), answer.handlingTime[lang]));
  if (answer.fees) facts.push(fact(t('guide.answer.fees'), answer.fees[lang]));
  if (answer.laws.length > 0) facts.push(fact(t('guide.answer.laws'), answer.laws.join('; ')));
  if (facts.length > 0) body.push({ type: 'Container', separator: true, items: facts });
  body.push({
    type: 'Container',
    style: 'emphasis',
    separator: true,
    items: [heading(t('guide.answer.contact'), 'Default'), ...contactLines(answer.contact, municipality, lang, texts)],
  });
  if (answer.alsoContacts.length > 0) {
    body.push(
      paragraph(
        `**${t('guide.answer.alsoContact')}:** ${answer.alsoContacts
          .map((c) => (c.website ? `[${c.name[lang]}](${c.website})` : c.name[lang]))
          .join(', ')}`,
      ),
    );
  }
  if (answer.initiatives.length > 0) {
    body.push(
      paragraph(
        `**${t('guide.answer.initiatives', { municipality: municipality.name })}:** ${answer.initiatives
          .map((i) => `${i.name} – ${i.description[lang]}`)
          .join(' ')}`,
      ),
    );
  }
  body.push(
    ...closing(
      [
        ...answer.links.slice(0, 3).map((link) => ({ type: 'Action.OpenUrl', title: link.title[lang], url: link.url })),
        submit(t('guide.answer.person'), { action: 'handoff', topic: answer.topic }),
      ],
      {
        question: t('guide.helpful.question'),
        yes: submit(t('guide.helpful.yes'), { action: 'helpful', topic: answer.topic, helpful: true }),
        no: submit(t('guide.helpful.no'), { action: 'helpful', topic: answer.topic, helpful: false }),
      },
    ),
  );
  return adaptiveCard(lang, body, []);
}

export function scenarioCard(
  answer: ScenarioAnswer,
  municipality: Municipality,
  lang: Language,
  texts: Texts,
): Attachment {
  const t = (key: string, vars?: Record<string, string>) => texts.t(lang, key, vars);
  const body: Json[] = [
    heading(t('guide.scenario.intro', { title: answer.scenario.title[lang] }), 'Large'),
    paragraph(answer.scenario.intro[lang]),
  ];
  const steps = answer.steps.map((step, index) => {
    const contact = step.process.contact;
    return {
      type: 'Container',
      separator: true,
      items: [
        numbered(index + 1, [
          paragraph(t('guide.scenario.step', { n: String(index + 1), topic: step.process.title[lang], what: step.what[lang] })),
          paragraph(
            t('guide.scenario.contactLine', {
              contact: contact.phone
                ? `${contact.name[lang]}, ${phoneLink(contact.phone)}`
                : `${contact.name[lang]} (${phoneLink(municipality.switchboard)})`,
            }),
            { isSubtle: true, spacing: 'None', size: 'Small' },
          ),
        ]),
      ],
      selectAction: submit(step.process.title[lang], { action: 'topic', topic: step.topic }),
    };
  });
  body.push(...stepsWithMore(steps, t));
  body.push(
    ...closing([submit(t('guide.answer.person'), { action: 'handoff' })], {
      question: t('guide.helpful.question'),
      yes: submit(t('guide.helpful.yes'), { action: 'helpful', scenario: answer.scenario.id, helpful: true }),
      no: submit(t('guide.helpful.no'), { action: 'helpful', scenario: answer.scenario.id, helpful: false }),
    }),
  );
  return adaptiveCard(lang, body, []);
}

function adaptiveCard(lang: Language, body: Json[], actions: Json[]): Attachment {
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: ADAPTIVE_VERSION,
    lang,
    body,
    actions,
  });
}

export function choiceCard(text: string, buttons: CardAction[]): Attachment {
  return CardFactory.heroCard('', text, undefined, buttons);
}

export function clarifyCard(options: TopicOption[], lang: Language, texts: Texts): Attachment {
  return choiceCard(texts.t(lang, 'guide.clarify.text'), [
    ...options.map((option) => button(option.title[lang], { action: 'topic', topic: option.topic })),
    button(texts.t(lang, 'guide.clarify.none'), { action: 'handoff' }),
  ]);
}

export function localized(value: Localized, lang: Language): string {
  return value[lang];
}
