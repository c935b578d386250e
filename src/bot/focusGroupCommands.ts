/**
 * Facilitator commands, for configured staff (by Microsoft Entra object id):
 *   starta fokusgrupp <mall>            start a session, get the join code and link
 *   fokusgrupp <KOD> status             how many joined and finished
 *   fokusgrupp <KOD> pausa|öppna|stäng  pause, reopen or close the session
 *   fokusgrupp <KOD> resultat           the results, step by step
 * (English: "start focus group <template>", "focus group <CODE> status|pause|open|close|results").
 */
import { CardFactory, MessageFactory, TurnContext } from 'botbuilder';
import type { Config } from '../config';
import { turnIdentity, turnOrigin } from './identity';
import type { ResolveActor } from '../domain/staff/actor';
import type { FocusGroups, SessionStatus } from '../domain/focusGroups/service';
import type { StepResult } from '../domain/focusGroups/results';
import type { Language } from '../domain/packs/schema';
import { fold } from '../domain/text';
import { plainText } from '../domain/text/plain';
import type { Texts } from '../domain/texts';
import { statementClassLabel } from '../domain/staff/labels';
import { turnSession } from './bot';

const START = /^(?:starta fokusgrupp|start focus group)(?:\s+(\S+))?$/;
const MANAGE = /^(?:fokusgrupp|focus group)\s+([a-z0-9]{6})\s+(status|pausa|pause|oppna|open|stang|close|resultat|results)$/;
const ACTIONS: Record<string, SessionStatus | 'status' | 'results'> = {
  status: 'status',
  pausa: 'paused',
  pause: 'paused',
  oppna: 'open',
  open: 'open',
  stang: 'closed',
  close: 'closed',
  resultat: 'results',
  results: 'results',
};

/** A short, readable summary of one step's results; statements participants wrote are shown as plain text (no Markdown, no live links). */
export function describeResult(result: StepResult, language: Language, texts?: Texts): string {
  const title = result.question[language];
  switch (result.type) {
    case 'single':
    case 'multiple':
      return `${title}\n${result.options.map((o) => `  ${o.label[language]}: ${o.count} (${Math.round(o.share * 100)} %)`).join('\n')}`;
    case 'scale':
      return `${title}\n  n = ${result.n}, medel ${result.mean === null ? '–' : result.mean.toFixed(2)}, median ${result.median ?? '–'}, sd ${result.sd === null ? '–' : result.sd.toFixed(2)}`;
    case 'ranking':
      return `${title}\n${result.items.map((item, i) => `  ${i + 1}. ${item.label[language]} (${item.points} p)`).join('\n')}`;
    case 'statements':
      return `${title}\n${result.statements.map((s) => `  ”${typeof s.text === 'string' ? plainText(s.text) : s.text[language]}”: ${s.agree} ja, ${s.disagree} nej, ${s.pass} pass – ${texts ? statementClassLabel(s.classification, texts, language) : s.classification}`).join('\n')}`;
    case 'open':
    case 'inspel':
      return `${title}\n  ${result.n} svar. Teman: ${result.themes.map((t) => `${t.name[language]} (${t.count})`).join(', ') || '–'}`;
  }
}

export function createFocusGroupCommands(deps: {
  groups: FocusGroups;
  /** Who may act (src/domain/staff/actor.ts), the same rule as on the Teams cards. */
  actors: ResolveActor;
  texts: Texts;
  config: Config;
  /** Focus-area names for the results (not ids). */
  focusAreaName?: (municipality: string, id: string, language: Language) => string;
}) {
  return {
    async command(context: TurnContext): Promise<boolean> {
      const text = fold(TurnContext.removeRecipientMention(context.activity) ?? context.activity.text ?? '').trim().replace(/\s+/g, ' ');
      const start = START.exec(text);
      const manage = start ? null : MANAGE.exec(text);
      if (!start && !manage) return false;
      const session = turnSession(context);
      const language = session.language;
      const t = (key: string, vars?: Record<string, string | number>) => deps.texts.t(language, key, vars);
      const resolved = await deps.actors(turnIdentity(context), { municipality: session.municipality, need: 'act' });
      if (!resolved.ok) {
        await context.sendActivity(t('focus.facilitator.notAllowed'));
        return true;
      }
      const member = resolved.member;
      if (start) {
        const templates = deps.groups.templates(session.municipality);
        const template = templates.find((tp) => tp.id === start[1]);
        if (!template) {
          await context.sendActivity(t('focus.facilitator.templates', { templates: templates.map((tp) => `${tp.id} (${tp.title[language]})`).join(', ') }));
          return true;
        }
        const origin = turnOrigin(context.activity);
        const created = await deps.groups.start({
          municipality: session.municipality,
          templateId: template.id,
          facilitator: {
            userKey: origin.userKey,
            name: member.name,
            address: origin.address,
          },
        });
        const base = deps.config.publicUrl ?? `http://localhost:${deps.config.port}`;
        await context.sendActivity(
          t('focus.facilitator.started', {
            title: template.title[language],
            code: created.code,
            link: `${base}/?municipality=${session.municipality}&join=${created.code}`,
          }),
        );
        return true;
      }
      const code = (manage?.[1] ?? '').toUpperCase();
      const action = ACTIONS[manage?.[2] ?? ''] ?? 'status';
      const found = await deps.groups.byCode(code);
      if (!found || found.municipality !== session.municipality) {
        await context.sendActivity(t('focus.facilitator.unknown', { code }));
        return true;
      }
      const title = deps.groups.template(found.templateId)?.title[language] ?? found.templateId;
      if (action === 'status' || action === 'results') {
        const { joined, consented, finished } = await deps.groups.progress(found.id);
        const progress = { joined, consented, finished };
        if (action === 'status') {
          await context.sendActivity(t('focus.facilitator.status', { title, code, status: t(`focus.status.${found.status}`), ...progress }));
        } else {
          const { steps, focusAreas } = await deps.groups.results(found.id);
          const lines = steps.map((step) => {
            const tags = focusAreas[step.stepId];
            const line = describeResult(step, language, deps.texts);
            return tags && tags.length > 0 ? `${line}\n  ${tags.map((tg) => `${deps.focusAreaName?.(found.municipality, tg.focusArea, language) ?? tg.focusArea}: ${tg.count}`).join(', ')}` : line;
          });
          const heading = t('focus.facilitator.results', { title, code, ...progress });
          // A card for Teams and Web Chat; the same summary as text for channels without cards.
          const card = CardFactory.adaptiveCard({
            type: 'AdaptiveCard',
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            version: '1.4',
            body: [
              { type: 'TextBlock', text: heading, weight: 'Bolder', size: 'Medium', wrap: true },
              ...lines.map((line, index) => ({ type: 'TextBlock', text: line.replace(/\n/g, '\n\n'), wrap: true, separator: index > 0, fontType: 'Default' })),
            ],
          });
          await context.sendActivity(MessageFactory.attachment(card, `${heading}\n\n${lines.join('\n\n')}`));
        }
        return true;
      }
      const changed = await deps.groups.setStatus(found.id, action);
      await context.sendActivity(t('focus.facilitator.changed', { title, code, status: t(`focus.status.${changed.status}`) }));
      return true;
    },
  };
}
