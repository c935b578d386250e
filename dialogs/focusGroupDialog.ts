import { CardFactory, MessageFactory, type CardAction, type TurnContext } from 'botbuilder';
import {
  DialogTurnStatus,
  TextPrompt,
  type DialogContext,
  WaterfallDialog,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { z } from 'zod';
import { FocusGroupError, type AlreadyRead, type FocusGroups, type FocusSession, type Participation } from '../src/domain/focusGroups/service';
import { interpretConsent, newStatement, wantsSent, type ButtonLabels, type NotUnderstood } from '../src/domain/focusGroups/interpret';
import type { DialogueStep, DialogueTemplate } from '../src/domain/focusGroups/template';
import { seedStatementId } from '../src/domain/focusGroups/template';
import type { FeedbackService } from '../src/domain/feedback/service';
import type { Language } from '../src/domain/packs/schema';
import { maskPersonalData } from '../src/domain/privacy/mask';
import type { Texts } from '../src/domain/texts';
import { turnSession } from '../src/bot/bot';
import { turnOrigin } from '../src/bot/identity';
import { InterruptibleDialog } from './interruptibleDialog';
import { kinded, reply, type ReplyKind } from './reply';

export const FOCUS_GROUP_DIALOG = 'focusGroupDialog';
const LOOP = `${FOCUS_GROUP_DIALOG}.loop`;
const INPUT = `${FOCUS_GROUP_DIALOG}.input`;
/** The prompt of open questions, inspel and new statements: a question typed there is an answer. */
const OPEN = `${FOCUS_GROUP_DIALOG}.open`;

const startSchema = z.object({ code: z.string() });
const loopSchema = z.object({
  sessionId: z.string(),
  code: z.string().optional(),
  participant: z.string(),
  templateId: z.string(),
  municipality: z.string(),
  language: z.enum(['sv', 'en']).default('sv'),
  /** 'consent' before joining, then 'step'; sub-states of the current step. */
  phase: z.enum(['consent', 'step', 'statement-new', 'inspel-send']),
  statementIndex: z.number().int().default(0),
  /** Answers at the current step that could not be understood (the second one moves on). */
  invalid: z.number().int().default(0),
  pendingInspel: z.string().optional(),
});
type LoopState = z.infer<typeof loopSchema>;
/** Where a turn keeps the session it read (its checks and its question share one read). */
const sessionKey = (sessionId: string) => `focusGroup.session:${sessionId}`;

/**
 * A participant in a focus group: consent first, then the template's steps one at a time with
 * buttons where they fit; "hoppa över" skips, "tillbaka" goes back, and closing the window and
 * joining again resumes where they were (the position is stored with the session).
 */
export class FocusGroupDialog extends InterruptibleDialog {
  constructor(
    private readonly groups: FocusGroups,
    private readonly feedback: FeedbackService,
    texts: Texts,
  ) {
    super(FOCUS_GROUP_DIALOG, texts, { name: 'focus', freeTextPrompts: new Set([OPEN]) });
    this.addDialog(new TextPrompt(INPUT));
    this.addDialog(new TextPrompt(OPEN));
    this.addDialog(new WaterfallDialog(`${FOCUS_GROUP_DIALOG}.start`, [this.join.bind(this)]));
    this.addDialog(new WaterfallDialog(LOOP, [this.ask.bind(this), this.handle.bind(this)]));
    this.initialDialogId = `${FOCUS_GROUP_DIALOG}.start`;
  }

  private lang(step: WaterfallStepContext): Language {
    return turnSession(step.context).language;
  }

  private t(step: WaterfallStepContext, key: string, vars?: Record<string, string | number>): string {
    return this.texts.t(this.lang(step), key, vars);
  }

  private prompt(step: WaterfallStepContext, text: string, buttons: string[], kind: ReplyKind = 'focus-step', open = false): Promise<DialogTurnResult> {
    const actions: CardAction[] = buttons.map((title) => ({ type: 'imBack', title, value: title }));
    const activity = actions.length > 0 ? MessageFactory.attachment(CardFactory.heroCard('', text, undefined, actions)) : MessageFactory.text(text);
    return step.prompt(open ? OPEN : INPUT, { prompt: kinded(activity, kind) });
  }

  /** "Börja om" in a focus group joins again (where the participant is: the answers are kept). */
  protected override restartOptions(inner: DialogContext): object {
    const loop = inner.stack.find((instance) => instance.id === LOOP);
    const parsed = loopSchema.safeParse((loop?.state as { options?: unknown } | undefined)?.options);
    return { code: parsed.success ? (parsed.data.code ?? '') : '' };
  }

  /**
   * Whatever the participant writes ("hallå, är det slut?"), a session closed or paused meanwhile
   * says so first. This runs before every message reaches a step, so `handle` need not check again.
   */
  protected override async beforeInterrupt(inner: DialogContext): Promise<DialogTurnResult | undefined> {
    if (inner.context.activity.type !== 'message') return undefined;
    const loop = inner.stack.find((instance) => instance.id === LOOP);
    const parsed = loopSchema.safeParse((loop?.state as { options?: unknown } | undefined)?.options);
    if (!parsed.success || !(await this.stoppedByFacilitator(inner.context, parsed.data))) return undefined;
    await inner.cancelAllDialogs();
    return { status: DialogTurnStatus.cancelled };
  }

  /** A session the facilitator closed or paused stops the dialogue, with a clear message. */
  private async stoppedByFacilitator(context: TurnContext, state: LoopState): Promise<boolean> {
    // Read once per turn: the check before the interruption layer and the step's own share it.
    let session = context.turnState.get<FocusSession | undefined>(sessionKey(state.sessionId));
    if (!session) {
      session = await this.groups.session(state.sessionId);
      if (session) context.turnState.set(sessionKey(state.sessionId), session);
    }
    if (session?.status === 'open') return false;
    const lang = turnSession(context).language;
    const key = session?.status === 'paused' ? 'focus.pausedNow' : 'focus.closedNow';
    await reply(context, 'focus-closed', this.texts.t(lang, key, { title: this.template(state).title[lang], code: state.code ?? '' }));
    return true;
  }

  private template(state: LoopState): DialogueTemplate {
    const template = this.groups.template(state.templateId);
    if (!template) throw new Error(`no template ${state.templateId}`);
    return template;
  }

  private async join(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { code } = startSchema.parse(step.options);
    const joined = await this.groups.join(code, turnOrigin(step.context.activity).userKey, this.lang(step));
    if (!joined.ok) {
      const found = await this.groups.byCode(code);
      const title = found ? (this.groups.template(found.templateId)?.title[this.lang(step)] ?? '') : '';
      const key = joined.reason === 'unknown-code' ? 'focus.unknownCode' : joined.reason === 'closed' ? 'focus.closed' : 'focus.paused';
      await reply(step.context, joined.reason === 'unknown-code' ? 'focus-unknown-code' : 'focus-closed', this.t(step, key, { code: code.toUpperCase(), title }));
      return step.endDialog();
    }
    // The session the join just read (open) is this turn's: the first question does not read it again.
    step.context.turnState.set(sessionKey(joined.session.id), joined.session);
    this.remember(step, joined.participation);
    const state: LoopState = {
      sessionId: joined.session.id,
      code: code.toUpperCase(),
      participant: joined.participation.participant,
      templateId: joined.template.id,
      municipality: joined.session.municipality,
      language: this.lang(step),
      phase: joined.participation.consentAt ? 'step' : 'consent',
      statementIndex: 0,
      invalid: 0,
    };
    if (joined.participation.consentAt && joined.participation.position > 0) await reply(step.context, 'focus-step', this.t(step, 'focus.resumed'));
    return step.replaceDialog(LOOP, state);
  }

  private async ask(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = loopSchema.parse(step.options);
    const lang = this.lang(step);
    const template = this.template(state);
    if (await this.stoppedByFacilitator(step.context, state)) return step.endDialog();
    if (state.phase === 'consent') {
      return this.prompt(
        step,
        `${this.t(step, 'focus.welcome', { title: template.title[lang], purpose: template.purpose[lang] })}\n\n${template.consent[lang]}`,
        [this.t(step, 'focus.consentYes'), this.t(step, 'focus.consentNo')],
        'focus-consent',
      );
    }
    if (state.phase === 'inspel-send') return this.prompt(step, this.t(step, 'focus.sendAsFeedback'), [this.t(step, 'focus.sendYes'), this.t(step, 'focus.sendNo')]);
    if (state.phase === 'statement-new') return this.prompt(step, this.t(step, 'focus.newStatement'), [this.t(step, 'focus.skip')], 'focus-step', true);

    const position = await this.position(step, state);
    const current = template.steps[position];
    if (!current) {
      await reply(step.context, 'focus-done', this.t(step, 'focus.thanks'));
      return step.endDialog();
    }
    const header = this.t(step, 'focus.progress', { n: position + 1, total: template.steps.length });
    const nav = [this.t(step, 'focus.skip'), ...(position > 0 ? [this.t(step, 'focus.back')] : [])];
    switch (current.type) {
      case 'info':
        return this.prompt(step, `${header}\n\n${current.text[lang]}`, [this.t(step, 'focus.continue'), ...(position > 0 ? [this.t(step, 'focus.back')] : [])]);
      case 'open':
      case 'inspel':
        return this.prompt(step, `${header}\n\n${current.question[lang]}\n\n${this.t(step, 'focus.openHint')}`, nav, 'focus-step', true);
      case 'single':
        return this.prompt(step, `${header}\n\n${current.question[lang]}`, [...current.options.map((o) => o.label[lang]), ...nav]);
      case 'multiple':
        return this.prompt(
          step,
          `${header}\n\n${current.question[lang]}\n\n${current.options.map((o, i) => `${i + 1}. ${o.label[lang]}`).join('\n')}\n\n${this.t(step, 'focus.multipleHint')}`,
          nav,
        );
      case 'scale': {
        const values = Array.from({ length: current.max - current.min + 1 }, (_, i) => String(current.min + i));
        return this.prompt(step, `${header}\n\n${current.question[lang]} (${current.min} = ${current.minLabel[lang]}, ${current.max} = ${current.maxLabel[lang]})`, [...values, ...nav]);
      }
      case 'ranking': {
        const items = this.rankingItems(state, current);
        return this.prompt(step, `${header}\n\n${current.question[lang]}\n\n${items.map((item, i) => `${i + 1}. ${item.label}`).join('\n')}\n\n${this.t(step, 'focus.rankingHint')}`, nav);
      }
      case 'statements': {
        const statements = await this.statements(step, state, current, lang);
        const statement = statements[state.statementIndex];
        if (!statement) {
          if (current.allowNew) return step.replaceDialog(LOOP, { ...state, phase: 'statement-new', statementIndex: 0 });
          this.remember(step, await this.groups.moveTo(state.sessionId, state.participant, position + 1, this.read(step, state)));
          return step.replaceDialog(LOOP, { ...state, phase: 'step', statementIndex: 0 });
        }
        return this.prompt(
          step,
          `${state.statementIndex === 0 ? `${header}\n\n${current.question[lang]}\n\n` : ''}${this.t(step, 'focus.statement', { n: state.statementIndex + 1, total: statements.length, text: statement.text })}`,
          [this.t(step, 'focus.agree'), this.t(step, 'focus.disagree'), this.t(step, 'focus.pass')],
        );
      }
    }
  }

  /** The button texts the participant was shown, so a renamed button still means what it says. */
  private labels(step: WaterfallStepContext): ButtonLabels {
    return { skip: this.t(step, 'focus.skip'), back: this.t(step, 'focus.back'), agree: this.t(step, 'focus.agree'), disagree: this.t(step, 'focus.disagree'), pass: this.t(step, 'focus.pass') };
  }

  /** Reads the answer (the domain says what it means: src/domain/focusGroups/interpret.ts), stores it, asks the next question. */
  private async handle(step: WaterfallStepContext): Promise<DialogTurnResult> {
    // The loop's options are its state (kept once in the dialog state, not copied into its values).
    const state = loopSchema.parse(step.options);
    const text = String(step.result ?? '').trim();
    const lang = this.lang(step);
    const template = this.template(state);
    const labels = this.labels(step);
    try {
      if (state.phase === 'consent') {
        const consent = interpretConsent(text, { yes: this.t(step, 'focus.consentYes'), no: this.t(step, 'focus.consentNo') });
        if (consent === 'yes') {
          this.remember(step, await this.groups.consent(state.sessionId, state.participant, this.read(step, state)));
          return await step.replaceDialog(LOOP, { ...state, phase: 'step' });
        }
        if (consent === 'no') {
          await reply(step.context, 'cancelled', this.t(step, 'focus.declined'));
          return await step.endDialog();
        }
        // Neither yes nor no ("vad händer med svaren?"): the consent question again.
        return await step.replaceDialog(LOOP, state);
      }
      // The inspel was answered (and the position moved on) before this question: it may have been the last step.
      if (state.phase === 'inspel-send') {
        if (wantsSent(text, this.t(step, 'focus.sendYes')) && state.pendingInspel) await this.sendAsFeedback(step, state.pendingInspel);
        return await step.replaceDialog(LOOP, { ...state, phase: 'step', pendingInspel: undefined });
      }
      const position = await this.position(step, state);
      const current = template.steps[position];
      if (!current) return await step.replaceDialog(LOOP, { ...state, phase: 'step' });

      if (state.phase === 'statement-new') {
        const own = newStatement(text, labels);
        if (own) {
          this.remember(step, await this.groups.answer(state.sessionId, state.participant, current.id, {
            kind: 'statement-new',
            statementId: `new-${state.participant.slice(0, 8)}-${Date.now().toString(36)}`,
            text: own,
          }, this.read(step, state)));
        }
        this.remember(step, await this.groups.moveTo(state.sessionId, state.participant, position + 1, this.read(step, state)));
        return await step.replaceDialog(LOOP, { ...state, phase: 'step', statementIndex: 0 });
      }
      const statement = current.type === 'statements' ? (await this.statements(step, state, current, lang))[state.statementIndex] : undefined;
      const meaning = this.groups.interpret(state.municipality, current, text, lang, { statementId: statement?.id, labels });
      if (meaning.kind === 'back') {
        this.remember(step, await this.groups.moveTo(state.sessionId, state.participant, position - 1, this.read(step, state)));
        return await step.replaceDialog(LOOP, { ...state, statementIndex: 0 });
      }
      if (current.type === 'statements') {
        if (meaning.kind === 'answer') this.remember(step, await this.groups.answer(state.sessionId, state.participant, current.id, meaning.value, this.read(step, state)));
        return await step.replaceDialog(LOOP, { ...state, statementIndex: state.statementIndex + 1 });
      }
      if (meaning.kind === 'not-understood') {
        if (state.invalid >= 1) {
          // Never stuck on a question: after a second answer that does not fit, the step is skipped.
          this.remember(step, await this.groups.answer(state.sessionId, state.participant, current.id, { kind: 'skip' }, this.read(step, state)));
          await reply(step.context, 'focus-step', this.t(step, 'focus.skippedInvalid'));
          return await step.replaceDialog(LOOP, { ...state, statementIndex: 0, invalid: 0 });
        }
        await reply(step.context, 'focus-step', this.t(step, 'focus.invalid', { hint: this.hint(step, state, current, meaning.reason) }));
        return await step.replaceDialog(LOOP, { ...state, invalid: state.invalid + 1 });
      }
      const value = meaning.value;
      this.remember(step, await this.groups.answer(state.sessionId, state.participant, current.id, value, this.read(step, state)));
      // the inspel waits in the dialog state for the answer: only masked, like every stored text
      if (current.type === 'inspel' && value.kind === 'inspel') return await step.replaceDialog(LOOP, { ...state, phase: 'inspel-send', pendingInspel: maskPersonalData(value.text).text, invalid: 0 });
      return await step.replaceDialog(LOOP, { ...state, statementIndex: 0, invalid: 0 });
    } catch (error) {
      if (error instanceof FocusGroupError && error.reason === 'not-open') {
        const session = await this.groups.session(state.sessionId);
        await reply(step.context, 'focus-closed', this.t(step, 'focus.notOpen', { status: this.t(step, `focus.status.${session?.status ?? 'closed'}`) }));
        return step.endDialog();
      }
      throw error;
    }
  }

  /** The participation an answer or a move just wrote: the next question's position is read from it, not from the store again. */
  private remember(step: WaterfallStepContext, participation: Participation): void {
    step.context.turnState.set(`focusGroup.participation:${participation.sessionId}`, participation);
  }

  private async position(step: WaterfallStepContext, state: LoopState): Promise<number> {
    const written = step.context.turnState.get<Participation | undefined>(`focusGroup.participation:${state.sessionId}`);
    if (written?.participant === state.participant) return written.position;
    const progress = await this.groups.participation(state.sessionId, state.participant);
    this.remember(step, progress);
    return progress.position;
  }

  /** The session and participation this turn read or wrote: the service's answer does not read them again. */
  private read(step: WaterfallStepContext, state: LoopState): AlreadyRead {
    return {
      session: step.context.turnState.get<FocusSession | undefined>(sessionKey(state.sessionId)),
      participation: step.context.turnState.get<Participation | undefined>(`focusGroup.participation:${state.sessionId}`),
    };
  }

  private hint(step: WaterfallStepContext, state: LoopState, current: DialogueStep, reason: NotUnderstood): string {
    if (current.type === 'scale') return this.t(step, 'focus.numberHint', { min: current.min, max: current.max });
    if (reason === 'out-of-range') {
      const count = current.type === 'single' || current.type === 'multiple' ? current.options.length : current.type === 'ranking' ? this.rankingItems(state, current).length : 0;
      if (count > 0) return this.t(step, 'focus.numberHint', { min: 1, max: count });
    }
    if (current.type === 'single') return this.t(step, 'focus.singleHint');
    if (current.type === 'multiple') return this.t(step, 'focus.multipleHint');
    if (current.type === 'ranking') return this.t(step, 'focus.rankingHint');
    return this.t(step, 'focus.openHint');
  }

  private rankingItems(state: LoopState, current: Extract<DialogueStep, { type: 'ranking' }>): Array<{ id: string; label: string }> {
    return this.groups.rankingItemsFor(state.municipality, current, state.language);
  }

  private async statements(
    step: WaterfallStepContext,
    state: LoopState,
    current: Extract<DialogueStep, { type: 'statements' }>,
    lang: Language,
  ): Promise<Array<{ id: string; text: string }>> {
    const seeds = current.seed.map((s, i) => ({ id: seedStatementId(i), text: s[lang] }));
    // Read once per turn: a vote and the next statement's prompt share it.
    const key = `focusGroup.added:${state.sessionId}:${current.id}`;
    let added = step.context.turnState.get<Array<{ id: string; text: string }> | undefined>(key);
    if (!added) {
      added = (await this.groups.addedStatements(state.sessionId, current.id)).slice(0, 5);
      step.context.turnState.set(key, added);
    }
    return [...seeds, ...added];
  }

  private async sendAsFeedback(step: WaterfallStepContext, text: string): Promise<void> {
    const session = turnSession(step.context);
    const origin = turnOrigin(step.context.activity);
    const result = await this.feedback.capture({
      municipality: session.municipality,
      text,
      language: session.language,
      origin: { user: origin.user, address: origin.address, sourceKey: origin.sourceKey(origin.activityId, 'focus') },
    });
    if (result.status === 'stored') await reply(step.context, 'receipt', this.t(step, 'focus.sent', { reference: result.item.reference }));
    else await reply(step.context, 'receipt', this.t(step, 'feedback.queued'));
  }
}
