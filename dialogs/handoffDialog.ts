import {
  ChoiceFactory,
  ListStyle,
  TextPrompt,
  WaterfallDialog,
  type PromptValidatorContext,
  type WaterfallStepContext,
  type DialogTurnResult,
  type FoundChoice,
} from 'botbuilder-dialogs';
import { z } from 'zod';
import type { Guide } from '../src/domain/guide/guide';
import { acceptReach } from './reach';
import { StoreUnavailableError } from '../src/domain/ports';
import type { Texts } from '../src/domain/texts';
import { turnSession } from '../src/bot/bot';
import { turnOrigin } from '../src/bot/identity';
import { InterruptibleDialog } from './interruptibleDialog';
import { kinded, reply } from './reply';
import { choicePrompt } from './choicePrompt';

export const HANDOFF_DIALOG = 'handoffDialog';

function vals(step: WaterfallStepContext): Record<string, unknown> {
  return step.values as Record<string, unknown>;
}
const CONSENT = 'handoffConsent';
const TEXT = 'handoffText';
const QUESTION = 'handoffQuestion';
const REACH = 'handoffReach';

const optionsSchema = z.object({ topic: z.string().optional() }).default({});
const collectedSchema = z.object({
  topic: z.string().optional(),
  name: z.string(),
  company: z.string(),
  reach: z.string(),
  consentAt: z.string(),
});

/**
 * "Prata med en människa" / "boka lotsmöte": asks for consent first, then name, company, how to
 * reach them and the question, and stores a contact request for staff.
 */
export class HandoffDialog extends InterruptibleDialog {
  constructor(
    private readonly guide: Guide,
    texts: Texts,
    private readonly now: () => Date = () => new Date(),
  ) {
    super(HANDOFF_DIALOG, texts, {
      name: 'handoff',
      own: { intents: ['handoff'], buttons: ['handoff'] },
      questionPrompts: new Set([QUESTION]),
      // A name or a company ("enskild firma, Holms plåt", "Bygg & Mark AB") may hold a topic's words.
      detailPrompts: new Set([TEXT]),
      leavesForSuggestion: true,
      interpret: (municipality, text) => guide.interpret(municipality, text),
      intentOf: (text, options) => guide.intent(text, options),
    });
    this.addDialog(choicePrompt(CONSENT))
      .addDialog(new TextPrompt(TEXT, async (prompt) => (prompt.recognized.value ?? '').trim().length > 0))
      .addDialog(new TextPrompt(QUESTION, async (prompt) => (prompt.recognized.value ?? '').trim().length > 0))
      .addDialog(new TextPrompt(REACH, async (prompt: PromptValidatorContext<string>) => acceptReach(prompt)))
      .addDialog(
        new WaterfallDialog(`${HANDOFF_DIALOG}.steps`, [
          this.askConsent.bind(this),
          this.askName.bind(this),
          this.askCompany.bind(this),
          this.askReach.bind(this),
          this.askQuestion.bind(this),
          this.save.bind(this),
        ]),
      );
    this.initialDialogId = `${HANDOFF_DIALOG}.steps`;
  }

  private t(step: WaterfallStepContext, key: string, vars?: Record<string, string>): string {
    return this.texts.t(turnSession(step.context).language, key, vars);
  }

  private async askConsent(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = optionsSchema.parse(step.options ?? {});
    vals(step).topic = options.topic;
    const session = turnSession(step.context);
    const unit = this.guide.handoffUnit(session.municipality, options.topic);
    await reply(step.context, 'handoff', this.t(step, 'handoff.intro', { unit: unit.name[session.language] }));
    const yes = this.t(step, 'handoff.consentYes');
    const no = this.t(step, 'handoff.consentNo');
    return step.prompt(CONSENT, {
      prompt: kinded(ChoiceFactory.heroCard([yes, no], this.t(step, 'handoff.consent', { days: String(this.guide.pack(session.municipality).staff.retentionDays) })), 'handoff'),
      choices: [
        { value: 'yes', action: { type: 'imBack', title: yes, value: yes }, synonyms: [yes, 'ja', 'yes', 'ok', 'okej', 'japp', 'absolut', 'visst', 'gärna', 'garna', 'sure', 'yes please', 'fine'] },
        { value: 'no', action: { type: 'imBack', title: no, value: no }, synonyms: [no, 'nej', 'no', 'nä', 'na', 'nä vill inte', 'vill inte', 'nej tack', 'no thanks', 'helst inte', 'inte', 'don\'t', 'do not', 'nope'] },
      ],
      style: ListStyle.none,
    });
  }

  private async askName(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const consent = step.result as FoundChoice;
    if (consent.value !== 'yes') {
      const session = turnSession(step.context);
      const pack = this.guide.pack(session.municipality);
      await reply(step.context, 'handoff-done', this.t(step, 'handoff.declined', { switchboard: pack.municipality.switchboard }));
      return step.endDialog();
    }
    vals(step).consentAt = this.now().toISOString();
    return step.prompt(TEXT, { prompt: kinded(this.t(step, 'handoff.askName'), 'handoff-step') });
  }

  private async askCompany(step: WaterfallStepContext): Promise<DialogTurnResult> {
    vals(step).name = String(step.result).trim();
    return step.prompt(TEXT, { prompt: kinded(this.t(step, 'handoff.askCompany'), 'handoff-step') });
  }

  private async askReach(step: WaterfallStepContext): Promise<DialogTurnResult> {
    vals(step).company = String(step.result).trim();
    return step.prompt(REACH, {
      prompt: kinded(this.t(step, 'handoff.askReach'), 'handoff-step'),
      retryPrompt: kinded(this.t(step, 'handoff.reachInvalid'), 'handoff-step'),
    });
  }

  private async askQuestion(step: WaterfallStepContext): Promise<DialogTurnResult> {
    vals(step).reach = String(step.result).trim();
    return step.prompt(QUESTION, { prompt: kinded(this.t(step, 'handoff.askQuestion'), 'handoff-step') });
  }

  private async save(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const collected = collectedSchema.parse(step.values);
    const session = turnSession(step.context);
    const pack = this.guide.pack(session.municipality);
    const origin = turnOrigin(step.context.activity);
    const unit = this.guide.handoffUnit(session.municipality, collected.topic);
    try {
      const request = await this.guide.requestContact({
        municipality: session.municipality,
        name: collected.name,
        company: collected.company,
        reach: collected.reach,
        question: String(step.result).trim(),
        topic: collected.topic,
        language: session.language,
        user: origin.user,
        address: origin.address,
        idempotencyKey: origin.sourceKey(origin.activityId),
        consentAt: collected.consentAt,
      });
      await reply(
        step.context,
        'handoff-done',
        this.t(step, 'handoff.done', {
          name: collected.name,
          reference: request.reference,
          unit: unit.name[session.language],
          switchboard: pack.municipality.switchboard,
        }),
      );
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      await reply(step.context, 'notice', this.t(step, 'handoff.storeDown', { switchboard: pack.municipality.switchboard }));
    }
    return step.endDialog();
  }
}
