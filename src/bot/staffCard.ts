/**
 * The Adaptive Card staff see in their team's Teams channel for one item: what was said, how it was
 * tagged, its status and history, and the triage actions (Action.Execute, so the card updates in
 * place for everyone after each action). All user text goes into TextBlocks, which Teams renders as
 * text (Markdown subset), never as HTML; a leading Markdown control character is escaped too.
 */
import type { FeedbackItem } from '../domain/feedback/types';
import { feedbackStatuses } from '../domain/feedback/types';
import type { Pack } from '../domain/packs/loader';
import type { Language } from '../domain/packs/schema';
import type { Texts } from '../domain/texts';
import { actorName, historyLine } from '../domain/staff/labels';

type Json = Record<string, unknown>;

export const TRIAGE_VERB = 'triage';

/** Neutralises Markdown that Adaptive Card TextBlocks would interpret (links, emphasis, lists). */
export function plain(text: string): string {
  return text
    .replace(/([\\`*_[\]~|])/g, '\\$1')
    .replace(/^(\s*)([-+#>]|\d+\.)/gm, '$1\\$2')
    .replace(/\r?\n/g, ' \n');
}

export interface CardContext {
  pack: Pack;
  texts: Texts;
  topics: Record<string, { sv: string; en: string }>;
  language: Language;
  overdue: boolean;
  dueAt: string;
  /** Display names of staff ids in the history. */
  names: Record<string, string>;
  /** A line on top after an action (done / error). */
  banner?: { text: string; kind: 'good' | 'attention' };
}

export function staffCard(item: FeedbackItem, c: CardContext): Json {
  const t = (key: string, vars?: Record<string, string | number>) => c.texts.t(c.language, key, vars);
  const lang = c.language;
  const area = c.pack.focusAreas.find((a) => a.id === item.focusArea)?.name[lang] ?? item.focusArea;
  const team = c.pack.staff.teams.find((tm) => tm.id === item.assignment?.team)?.name[lang] ?? item.assignment?.team ?? '–';
  const data = (action: Json) => ({ verb: TRIAGE_VERB, data: { municipality: item.municipality, itemId: item.id, ...action } });
  const execute = (title: string, action: Json) => ({ type: 'Action.Execute', title, ...data(action) });
  const facts = [
    { title: t('staff.card.focusArea'), value: `${plain(area)} (${Math.round(item.focusConfidence * 100)} %)` },
    { title: t('staff.card.topic'), value: item.topic ? plain(c.topics[item.topic]?.[lang] ?? item.topic) : '–' },
    { title: t('staff.card.status'), value: t(`feedback.status.${item.status}`) },
    { title: t('staff.card.team'), value: plain(team) },
    { title: t('staff.card.assignee'), value: item.assignee ? plain(actorName(item.assignee, { pack: c.pack, texts: c.texts, language: lang, names: c.names, topics: c.topics })) : '–' },
    { title: t('staff.card.supports'), value: String(item.supports) },
    ...(item.place ? [{ title: t('staff.card.place'), value: plain(item.place) }] : []),
  ];
  const history = item.history.slice(-6).map((h) => ({
    type: 'TextBlock',
    wrap: true,
    size: 'Small',
    isSubtle: true,
    text: plain(historyLine(h, { pack: c.pack, texts: c.texts, language: c.language, names: c.names, topics: c.topics })),
  }));
  const choice = (id: string, choices: Array<{ title: string; value: string }>, value?: string) => ({
    type: 'Input.ChoiceSet',
    id,
    style: 'compact',
    value,
    choices,
  });
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.4',
    refresh: { action: { type: 'Action.Execute', title: 'refresh', ...data({ action: 'refresh' }) } },
    body: [
      ...(c.banner ? [{ type: 'TextBlock', wrap: true, weight: 'Bolder', color: c.banner.kind, text: plain(c.banner.text) }] : []),
      {
        type: 'TextBlock',
        size: 'Medium',
        weight: 'Bolder',
        text: plain(t('staff.card.title', { kind: t(`feedback.kind.${item.kind}`), reference: item.reference })),
      },
      { type: 'TextBlock', wrap: true, text: plain(item.text) },
      {
        type: 'TextBlock',
        wrap: true,
        size: 'Small',
        color: c.overdue ? 'attention' : 'default',
        text: plain(c.overdue ? t('staff.card.overdue', { due: c.dueAt.slice(0, 10) }) : t('staff.card.due', { due: c.dueAt.slice(0, 10) })),
      },
      { type: 'FactSet', facts },
      { type: 'TextBlock', weight: 'Bolder', size: 'Small', text: t('staff.card.history') },
      ...history,
    ],
    actions: [
      execute(t('staff.card.take'), { action: 'take' }),
      {
        type: 'Action.ShowCard',
        title: t('staff.card.setStatus'),
        card: {
          type: 'AdaptiveCard',
          body: [
            choice('status', feedbackStatuses.map((s) => ({ title: t(`feedback.status.${s}`), value: s })), item.status),
            { type: 'Input.Text', id: 'outcome', isMultiline: true, placeholder: t('staff.card.outcomePlaceholder'), maxLength: 1000 },
          ],
          actions: [execute(t('staff.card.save'), { action: 'status' })],
        },
      },
      {
        type: 'Action.ShowCard',
        title: t('staff.card.retag'),
        card: {
          type: 'AdaptiveCard',
          body: [
            choice('focusArea', c.pack.focusAreas.map((a) => ({ title: a.name[lang], value: a.id })), item.focusArea),
            choice('topic', Object.entries(c.topics).map(([id, label]) => ({ title: label[lang].split(':')[0] ?? id, value: id })), item.topic),
          ],
          actions: [execute(t('staff.card.save'), { action: 'retag' })],
        },
      },
      {
        type: 'Action.ShowCard',
        title: t('staff.card.answer'),
        card: {
          type: 'AdaptiveCard',
          body: [
            choice('template', [{ title: '–', value: '' }, ...c.pack.staff.templates.map((tp) => ({ title: tp.title[lang], value: tp.id }))], ''),
            { type: 'Input.Text', id: 'answer', isMultiline: true, placeholder: t('staff.card.answerPlaceholder'), maxLength: 2000 },
          ],
          actions: [execute(t('staff.card.send'), { action: 'answer' })],
        },
      },
      {
        type: 'Action.ShowCard',
        title: t('staff.card.duplicate'),
        card: {
          type: 'AdaptiveCard',
          body: [{ type: 'Input.Text', id: 'of', placeholder: t('staff.card.duplicatePlaceholder'), maxLength: 40 }],
          actions: [execute(t('staff.card.save'), { action: 'duplicate' })],
        },
      },
    ],
  };
}
