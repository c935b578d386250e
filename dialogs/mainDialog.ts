import { MessageFactory, type TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  WaterfallDialog,
  type Dialog,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { Guide } from '../src/domain/guide/guide';
import { maskPersonalData } from '../src/domain/privacy/mask';
import type { GuideDecision } from '../src/domain/guide/types';
import type { Texts } from '../src/domain/texts';
import type { Language } from '../src/domain/packs/schema';
import { turnSession, turnLogger } from '../src/bot/bot';
import { parseButtonValue, type ButtonValue } from './buttons';
import { button, choiceCard, clarifyCard, processCard, scenarioCard } from './cards';
import { HANDOFF_DIALOG } from './handoffDialog';
import { PRIVACY_DIALOG } from './privacyDialog';
import { reply } from './reply';
import { sendCrisis } from './crisis';
import { rerouteOf } from './interruptibleDialog';
import { sendCapabilities } from './welcome';
import type { DataSet } from '../src/domain/packs/loader';

export const MAIN_DIALOG = 'mainDialog';

export interface MainDialogDeps {
  guide: Guide;
  texts: Texts;
  /** The handoff dialog (talk to a person). */
  handoff: Dialog;
  /** The suggestion dialog ("Gör <kommun> bättre"); a placeholder answer when absent. */
  suggestion?: Dialog;
  /** Lists the user's own suggestions with status; a placeholder answer when absent. */
  mySuggestions?: Dialog;
  /** A participant's focus group dialogue (joined with "delta KOD" or the page's join event). */
  focusGroup?: Dialog;
  /** "Vilka uppgifter har ni om mig?" / "radera mina uppgifter". */
  privacy?: Dialog;
  data?: DataSet;
}

const JOIN = /^(?:delta(?: i)?|join|ga med(?: i)?|gå med(?: i)?)\s+(?:fokusgrupp(?:en)?\s+|focus group\s+)?([a-z0-9]{6})[.!]?$/i;
/** "oj fel kod, delta HCZVYB", "I got a code at the meeting: join DZXB9G": the code written in capitals at the end. */
const JOIN_AT_END = /\b(?:delta(?: i)?|join|ga med(?: i)?|gå med(?: i)?)(?:\s+(?:med|with|using))?(?:\s+(?:koden|kod|code|the code))?(?:\s+(?:fokusgrupp(?:en)?|focus group))?[\s:]+([A-Za-z0-9]{6})[.!]?$/i;
function joinCode(text: string): string | undefined {
  const trimmed = text.trim();
  const start = JOIN.exec(trimmed)?.[1];
  if (start) return start;
  const end = JOIN_AT_END.exec(trimmed)?.[1];
  return end && end === end.toUpperCase() && /[A-Z]/.test(end) ? end : undefined;
}

/**
 * The root dialog: every message or button is turned into a GuideDecision by the domain and
 * either answered here in one turn or handed to the dialog for that goal.
 */
export class MainDialog extends ComponentDialog {
  constructor(private readonly deps: MainDialogDeps) {
    super(MAIN_DIALOG);
    this.addDialog(deps.handoff);
    if (deps.suggestion) this.addDialog(deps.suggestion);
    if (deps.mySuggestions) this.addDialog(deps.mySuggestions);
    if (deps.focusGroup) this.addDialog(deps.focusGroup);
    if (deps.privacy) this.addDialog(deps.privacy);
    this.addDialog(new WaterfallDialog(`${MAIN_DIALOG}.steps`, [this.act.bind(this), this.finish.bind(this)]));
    this.initialDialogId = `${MAIN_DIALOG}.steps`;
  }

  private async act(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { context } = step;
    const session = turnSession(context);
    if (this.deps.focusGroup) {
      const joinEvent = context.activity.type === 'event' && context.activity.name === 'join' ? String(context.activity.value ?? '') : undefined;
      const joinText = joinCode(context.activity.text ?? '');
      const code = joinEvent ?? joinText;
      if (code) return step.beginDialog(this.deps.focusGroup.id, { code: code.toUpperCase() });
    }
    if (context.activity.type !== 'message') return step.endDialog();
    const value = parseButtonValue(context.activity.value);
    const pending = session.pendingText;
    delete session.pendingText;
    const previous = session.previousQuestion;
    delete session.previousQuestion;
    const read = value
      ? this.fromButton(session.municipality, session.language, value)
      : this.deps.guide.interpret(session.municipality, context.activity.text ?? '', previous);
    // "Klagomål" (or the suggestion button) right after a message the bot asked back about: that message is the suggestion.
    const decision = read?.kind === 'feedback' && !read.text && pending ? { ...read, text: pending } : read;
    if (!decision) {
      if (value?.action === 'helpful') return this.helpful(step, value);
      return step.endDialog();
    }
    turnLogger(context)?.info({ decision: decision.kind, municipality: session.municipality }, 'guide decision');
    // The turn's language was chosen when the turn began (src/domain/session.ts chooseLanguage).
    return this.render(step, { ...decision, language: session.language });
  }

  private fromButton(municipality: string, language: Language, value: ButtonValue): GuideDecision | undefined {
    const guide = this.deps.guide;
    switch (value.action) {
      case 'topic': {
        if (value.topic === 'give-feedback') return { kind: 'feedback', language, text: '' };
        const answer = guide.topicAnswer(municipality, value.topic);
        return answer ? { kind: 'answer', language, answer, confidence: 1, decidingWords: [] } : { kind: 'unknown', language };
      }
      case 'scenario': {
        const answer = guide.scenarioAnswer(municipality, value.scenario);
        return answer ? { kind: 'scenario', language, answer, confidence: 1, decidingWords: [] } : { kind: 'unknown', language };
      }
      case 'handoff':
        return { kind: 'handoff', language };
      case 'feedback':
        return { kind: 'feedback', language, text: '' };
      case 'my-suggestions':
        return { kind: 'my-suggestions', language };
      case 'helpful':
        return undefined;
    }
  }

  private async render(step: WaterfallStepContext, decision: GuideDecision, said?: string): Promise<DialogTurnResult> {
    const { context } = step;
    const session = turnSession(context);
    const lang = decision.language;
    const t = (key: string, vars?: Record<string, string>) => this.deps.texts.t(lang, key, vars);
    const pack = this.deps.guide.pack(session.municipality);
    const text = said ?? context.activity.text ?? '';
    // The question answered or asked back about, for reading the next message as its follow-up.
    const topic = decision.kind === 'answer' ? decision.answer.topic : decision.kind === 'scenario' ? decision.answer.scenario.primaryTopic : decision.kind === 'clarify' ? decision.options[0]?.topic : undefined;
    if (text && (decision.kind === 'answer' || decision.kind === 'scenario' || decision.kind === 'clarify')) session.previousQuestion = { text: maskPersonalData(text).text.slice(0, 500), topic };
    switch (decision.kind) {
      case 'crisis':
        await sendCrisis(context, this.deps.texts, decision.helpLines, lang);
        return step.endDialog();
      case 'handoff':
        return step.beginDialog(HANDOFF_DIALOG, { topic: topicOfButton(context) });
      case 'capabilities':
        await sendCapabilities(context, session, decision.reason, { texts: this.deps.texts, data: this.deps.data });
        return step.endDialog();
      case 'cancel':
        await reply(context, 'cancelled', t('guide.nothingToCancel'));
        return step.endDialog();
      case 'privacy':
        if (this.deps.privacy) return step.beginDialog(PRIVACY_DIALOG, { what: decision.what });
        return step.endDialog();
      case 'feedback':
        if (this.deps.suggestion) return step.beginDialog(this.deps.suggestion.id, { text: decision.text, kind: decision.stated });
        await reply(context, 'cannot-answer',
          t('guide.feedbackPlaceholder', {
            feedbackName: pack.municipality.strategy.feedbackName,
            switchboard: pack.municipality.switchboard,
          }),
        );
        return step.endDialog();
      case 'my-suggestions':
        if (this.deps.mySuggestions) return step.beginDialog(this.deps.mySuggestions.id);
        await reply(context, 'my-suggestions', t('guide.mySuggestionsPlaceholder'));
        return step.endDialog();
      case 'answer':
        await reply(
          context,
          `guide:${decision.answer.topic}`,
          MessageFactory.attachment(processCard(decision.answer, pack.municipality, lang, this.deps.texts)),
        );
        await this.deps.guide.recordDecision(session.municipality, decision, text);
        return step.endDialog();
      case 'scenario':
        await reply(
          context,
          `guide:${decision.answer.scenario.primaryTopic}`,
          MessageFactory.attachment(scenarioCard(decision.answer, pack.municipality, lang, this.deps.texts)),
        );
        await this.deps.guide.recordDecision(session.municipality, decision, text);
        return step.endDialog();
      case 'clarify':
        if (text && decision.options.some((option) => option.topic === 'give-feedback')) session.pendingText = text;
        await reply(context, 'clarify', MessageFactory.attachment(clarifyCard(decision.options, lang, this.deps.texts)));
        await this.deps.guide.recordDecision(session.municipality, decision, text);
        return step.endDialog();
      case 'unknown':
        await reply(
          context,
          'cannot-answer',
          MessageFactory.attachment(
            choiceCard(t('guide.unknown.text', { switchboard: pack.municipality.switchboard }), [
              button(t('guide.answer.person'), { action: 'handoff' }),
            ]),
          ),
        );
        await this.deps.guide.recordDecision(session.municipality, decision, text);
        return step.endDialog();
    }
  }

  private async helpful(step: WaterfallStepContext, value: Extract<ButtonValue, { action: 'helpful' }>): Promise<DialogTurnResult> {
    const session = turnSession(step.context);
    const lang = session.language;
    await this.deps.guide.recordRating(session.municipality, { helpful: value.helpful, topic: value.topic, scenario: value.scenario, language: lang });
    if (value.helpful) {
      await reply(step.context, 'capabilities', this.deps.texts.t(lang, 'guide.helpful.thanksYes'));
    } else {
      await reply(
        step.context,
        'cannot-answer',
        MessageFactory.attachment(
          choiceCard(this.deps.texts.t(lang, 'guide.helpful.thanksNo'), [
            button(this.deps.texts.t(lang, 'guide.answer.person'), { action: 'handoff', topic: value.topic }),
          ]),
        ),
      );
    }
    return step.endDialog();
  }

  /** A dialog that was left for another goal ("prata med någon", a question) hands its text back here. */
  private async finish(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const reroute = rerouteOf(step.result);
    if (!reroute) return step.endDialog();
    const session = turnSession(step.context);
    if (reroute.button) {
      const decision = this.fromButton(session.municipality, session.language, reroute.button);
      return decision ? this.render(step, decision, '') : step.endDialog();
    }
    const text = reroute.text ?? '';
    const decision = this.deps.guide.interpret(session.municipality, text);
    return this.render(step, { ...decision, language: session.language }, text);
  }
}

function topicOfButton(context: TurnContext): string | undefined {
  const value = parseButtonValue(context.activity.value);
  return value?.action === 'handoff' ? value.topic : undefined;
}
