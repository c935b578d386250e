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

export function contactLines(contact: Contact, municipality: Municipality, lang: Language, texts: Texts): Json[] {
  const t = (key: string, vars?: Record<string, string>) => texts.t(lang, key, vars);
  const facts: Json[] = [];
  if (contact.phone) facts.push({ title: t('guide.answer.phone'), value: contact.phone });
  if (contact.email) facts.push({ title: t('guide.answer.email'), value: contact.email });
  if (contact.website) facts.push({ title: t('guide.answer.website'), value: contact.website });
  if (contact.openingHours) facts.push({ title: t('guide.answer.openingHours'), value: contact.openingHours[lang] });
  const items: Json[] = [paragraph(contact.name[lang], { weight: 'Bolder' })];
  if (contact.description) items.push(paragraph(contact.description[lang], { isSubtle: true, spacing: 'None' }));
  if (facts.length > 0) items.push({ type: 'FactSet', facts });
  if (!contact.phone && !contact.email) {
    items.push(
      paragraph(t('guide.answer.viaSwitchboard', { switchboard: municipality.switchboard, unit: contact.name[lang] })),
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
  answer.steps.forEach((step, index) => body.push(paragraph(`${index + 1}. ${step[lang]}`, { spacing: 'Small' })));
  if (answer.prepare.length > 0) {
    body.push(heading(t('guide.answer.prepare')));
    for (const item of answer.prepare) body.push(paragraph(`• ${item[lang]}`, { spacing: 'Small' }));
  }
  const facts: Json[] = [];
  if (answer.handlingTime) facts.push({ title: t('guide.answer.handlingTime'), value: answer.handlingTime[lang] });
  if (answer.fees) facts.push({ title: t('guide.answer.fees'), value: answer.fees[lang] });
  if (answer.laws.length > 0) facts.push({ title: t('guide.answer.laws'), value: answer.laws.join('; ') });
  if (facts.length > 0) body.push({ type: 'FactSet', facts, separator: true });
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
  body.push(paragraph(t('guide.helpful.question'), { weight: 'Bolder', separator: true }));
  const actions: Json[] = [
    ...answer.links.slice(0, 3).map((link) => ({ type: 'Action.OpenUrl', title: link.title[lang], url: link.url })),
    submit(t('guide.helpful.yes'), { action: 'helpful', topic: answer.topic, helpful: true }),
    submit(t('guide.helpful.no'), { action: 'helpful', topic: answer.topic, helpful: false }),
    submit(t('guide.answer.person'), { action: 'handoff', topic: answer.topic }),
  ];
  return adaptiveCard(lang, body, actions);
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
  answer.steps.forEach((step, index) => {
    body.push({
      type: 'Container',
      separator: true,
      items: [
        paragraph(t('guide.scenario.step', { n: String(index + 1), topic: step.process.title[lang], what: step.what[lang] })),
        paragraph(
          t('guide.scenario.contactLine', {
            contact: step.process.contact.phone
              ? `${step.process.contact.name[lang]}, ${step.process.contact.phone}`
              : `${step.process.contact.name[lang]} (${municipality.switchboard})`,
          }),
          { isSubtle: true, spacing: 'None', size: 'Small' },
        ),
      ],
      selectAction: submit(step.process.title[lang], { action: 'topic', topic: step.topic }),
    });
  });
  body.push(paragraph(t('guide.helpful.question'), { weight: 'Bolder', separator: true }));
  return adaptiveCard(lang, body, [
    submit(t('guide.helpful.yes'), { action: 'helpful', scenario: answer.scenario.id, helpful: true }),
    submit(t('guide.helpful.no'), { action: 'helpful', scenario: answer.scenario.id, helpful: false }),
    submit(t('guide.answer.person'), { action: 'handoff' }),
  ]);
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
