import { CardFactory, MessageFactory } from 'botbuilder';
import {
  DialogTurnStatus,
  ListStyle,
  TextPrompt,
  WaterfallDialog,
  type Choice,
  type DialogContext,
  type DialogTurnResult,
  type FoundChoice,
  type WaterfallStepContext,
  recognizeChoices,
} from 'botbuilder-dialogs';
import { z } from 'zod';
import { reachIn } from '../src/domain/guide/contactRequest';
import { acceptReach } from './reach';
import { MASKED_KINDS, maskPersonalData } from '../src/domain/privacy/mask';
import type { FeedbackService } from '../src/domain/feedback/service';
import { feedbackKinds, type SubmitterContact } from '../src/domain/feedback/types';
import { kindNamed } from '../src/domain/feedback/kinds';
import type { Pack } from '../src/domain/packs/loader';
import type { Texts } from '../src/domain/texts';
import { markAcknowledged, turnSession } from '../src/bot/bot';
import { turnOrigin } from '../src/bot/identity';
import { fold, foldedWords } from '../src/domain/text';
import { InterruptibleDialog } from './interruptibleDialog';
import { kinded, reply, type ReplyKind } from './reply';
import { CHOICE_RECOGNIZER, choicePrompt } from './choicePrompt';
import { conversationIntent, feedbackOpening, looksLikeQuestion, type ConversationIntent } from '../src/domain/guide/intents';
import type { GuideDecision } from '../src/domain/guide/types';
import { plainText } from '../src/domain/text/plain';
import { focusAreaSynonyms } from '../src/domain/feedback/areaNames';

export const SUGGESTION_DIALOG = 'suggestionDialog';
const TEXT = 'suggestionText';
const FREE = 'suggestionFree';
const CHOICE = 'suggestionChoice';
const REACH = 'suggestionReach';

const STEPS = `${SUGGESTION_DIALOG}.steps`;

/** `kind`: the kind the opening message stated ("Beröm till …"), which is then not asked. */
const optionsSchema = z.object({ text: z.string().optional(), kind: z.enum(feedbackKinds).optional() }).default({});
const tagSchema = z.object({
  focusArea: z.string(),
  confidence: z.number(),
  secondaryArea: z.string().optional(),
  ranked: z.array(z.object({ focusArea: z.string(), confidence: z.number() })),
  decidingWords: z.array(z.string()),
  close: z.boolean().default(false),
  themes: z.array(z.object({ theme: z.string(), probability: z.number() })).default([]),
});
const stateSchema = z.object({
  text: z.string(),
  tag: tagSchema,
  topic: z.string().optional(),
  kind: z.enum(feedbackKinds),
  focusArea: z.string(),
  place: z.string().optional(),
  masked: z.array(z.object({ kind: z.enum(MASKED_KINDS), count: z.number() })).optional(),
});

/** Said instead of an address at "Skriv e-postadress eller telefonnummer": no contact after all. */
const ANONYMOUS = /\b(anonym\w*|anonymous\w*|inget svar|behover inget|behovs inte|no answer|no reply|not needed|no need|skip|hoppa over|skippa|utan kontakt\w*)\b/;
/** "Vet inte" at "Stämmer det?": the bot's reading stands. */
const KEEP_READING = ['vet inte', 'vet ej', 'ingen aning', 'hoppa över', 'hoppa', 'skippa', 'skip', "don't know", 'dont know', 'not sure', 'no idea'];

/**
 * The one choice a text names by the beginning of a word (at least 5 letters typed, folded):
 * "trygghet" → "trygghetsskapande", "attraktiv" → "attraktivitet". Undefined when none or several.
 */
function closeChoice(text: string, choices: Choice[]): FoundChoice | undefined {
  const typed = foldedWords(text).filter((w) => w.length >= 5);
  if (typed.length === 0 || typed.length > 6) return undefined;
  const hits = choices.filter((choice) =>
    [choice.value, ...(choice.synonyms ?? [])].some((synonym) => foldedWords(synonym).some((word) => word.length >= 5 && typed.some((t) => word.startsWith(t) || t.startsWith(word)))),
  );
  const [only] = hits;
  return hits.length === 1 && only ? { value: only.value, index: choices.indexOf(only), score: 0.8, synonym: text } : undefined;
}

/**
 * At "I read it as X. Is that right?", an area named besides the yes or no ("no, I think it fits
 * better under networks and meeting places") is the answer: the specific choice, not the generic one.
 */
function namedArea(text: string, choices: Choice[], found: FoundChoice): FoundChoice {
  if (found.value !== 'yes' && found.value !== 'other') return found;
  return recognizeChoices(text, choices, CHOICE_RECOGNIZER).find((match) => match.resolution.value.startsWith('area:'))?.resolution ?? found;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
/** Most words of a message that names a kind at a later question as a correction ("nej vänta, det är mer ett klagomål"). */
const KIND_CORRECTION_MAX_WORDS = 10;

const words = (text: string) => text.trim().split(/\s+/).filter(Boolean).length;
/** Enough to act on: two words ("fler företagsträffar") of some length. */
const enough = (text: string) => words(text) >= 2 && text.trim().length >= 10;
/** The suggestion itself: an opening ("jag har ett förslag:") typed again at the prompt is dropped. */
const suggestionOf = (text: string): string => {
  const opening = feedbackOpening(text);
  return (opening ? opening.rest : text).trim();
};
const shorten = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 3)}…` : text);
const vals = (step: WaterfallStepContext) => step.values as Record<string, unknown>;
const chosen = (result: unknown): string | undefined => (result as FoundChoice | undefined)?.value;
/** The waterfall's instance id (botbuilder-dialogs sets it when the dialog begins; it is saved with the state). */
const instanceOf = (step: WaterfallStepContext): string => z.string().min(1).parse(vals(step).instanceId);

/**
 * "Gör <kommun> bättre": the suggestion, similar ones to support instead, its kind, the focus area
 * (confirm or choose), optionally a place and contact details, then a receipt with a reference.
 * The questions are here; what happens to the suggestion is in the domain (FeedbackService).
 */
export class SuggestionDialog extends InterruptibleDialog {
  constructor(
    private readonly feedback: FeedbackService,
    private readonly packOf: (municipality: string) => Pack,
    texts: Texts,
    interpret?: (municipality: string, text: string) => GuideDecision,
    intentOf?: (text: string, options?: { tableOnly?: boolean }) => ConversationIntent | undefined,
  ) {
    super(SUGGESTION_DIALOG, texts, { name: 'suggestion', freeTextPrompts: new Set([TEXT]), interpret, intentOf });
    this.addDialog(new TextPrompt(TEXT, async (prompt) => enough(suggestionOf(prompt.recognized.value ?? ''))))
      .addDialog(new TextPrompt(FREE))
      .addDialog(choicePrompt(CHOICE, async (prompt) => {
        const choices = (prompt.options.choices ?? []).filter((c): c is Choice => typeof c !== 'string');
        const found = prompt.recognized.value;
        if (prompt.recognized.succeeded && found) {
          prompt.recognized.value = namedArea(prompt.context.activity.text ?? '', choices, found);
          return true;
        }
        // "trygghet" for "Brottsförebyggande/trygghetsskapande arbete": one choice whose word the text begins.
        const close = closeChoice(prompt.context.activity.text ?? '', choices);
        if (!close) return false;
        prompt.recognized.value = close;
        return true;
      }))
      .addDialog(new TextPrompt(REACH, async (prompt) => acceptReach(prompt)))
      .addDialog(
        new WaterfallDialog(STEPS, [
          this.askText.bind(this),
          this.understand.bind(this),
          this.askKind.bind(this),
          this.confirmArea.bind(this),
          this.chooseArea.bind(this),
          this.askPlace.bind(this),
          this.askContact.bind(this),
          this.askReach.bind(this),
          this.save.bind(this),
        ]),
      );
    this.initialDialogId = STEPS;
  }

  /** "Nej förresten, jag vill vara anonym" where the address is asked: no contact, and the suggestion goes on (not a cancel). */
  protected override async beforeInterrupt(inner: DialogContext): Promise<DialogTurnResult | undefined> {
    const text = inner.context.activity.text;
    if (inner.context.activity.type !== 'message' || !text) return undefined;
    if (inner.activeDialog?.id === CHOICE) return this.correctKind(inner, text);
    if (inner.activeDialog?.id !== REACH) return undefined;
    // An address in the answer is the answer ("mejla mej: ola@…"), whatever else its words could ask for.
    if (reachIn(text) !== undefined) return inner.continueDialog();
    if (!ANONYMOUS.test(fold(text))) return undefined;
    return inner.endDialog();
  }

  /**
   * A kind named at a later question ("klagomål" after the bot said it registers it as one, "nej
   * vänta, det är mer ett klagomål", "ok, opinion then") sets the kind, and the question is asked again.
   */
  private async correctKind(inner: DialogContext, text: string): Promise<DialogTurnResult | undefined> {
    const state: unknown = inner.stack.find((instance) => instance.id === STEPS)?.state;
    const values = isRecord(state) ? state.values : undefined;
    if (!isRecord(values) || typeof values.kind !== 'string') return undefined;
    if (words(text) > KIND_CORRECTION_MAX_WORDS || looksLikeQuestion(text) || conversationIntent(text)) return undefined;
    const kind = kindNamed(text);
    if (!kind) return undefined;
    values.kind = kind;
    const lang = turnSession(inner.context).language;
    await reply(inner.context, 'suggestion-step', this.texts.t(lang, 'feedback.kindNoted', { kind: this.texts.t(lang, `feedback.kindAs.${kind}`) }));
    await inner.repromptDialog();
    return { status: DialogTurnStatus.waiting };
  }

  private t(step: WaterfallStepContext, key: string, vars?: Record<string, string | number>): string {
    return this.texts.t(turnSession(step.context).language, key, vars);
  }

  private choices(items: Array<{ value: string; title: string; synonyms?: string[] }>): Choice[] {
    return items.map((item) => ({
      value: item.value,
      action: { type: 'imBack', title: item.title, value: item.title },
      // Typed without å/ä/ö too ("klagomal").
      synonyms: [...new Set([item.title, ...(item.synonyms ?? [])].flatMap((synonym) => [synonym, fold(synonym)]))],
    }));
  }

  /**
   * A hero card whose buttons show the titles (imBack), recognised by title and synonyms; `unshown`
   * choices are recognised too but get no button (another focus area named in words).
   */
  private prompt(step: WaterfallStepContext, text: string, choices: Choice[], kind: ReplyKind = 'suggestion-step', unshown: Choice[] = []): Promise<DialogTurnResult> {
    const buttons = choices.map((c) => c.action ?? { type: 'imBack', title: c.value, value: c.value });
    return step.prompt(CHOICE, {
      prompt: kinded(MessageFactory.attachment(CardFactory.heroCard('', text, undefined, buttons)), kind),
      choices: [...choices, ...unshown],
      style: ListStyle.none,
    });
  }

  /** How the user may name each focus area of the municipality (names, folded, the words only it has). */
  private areaSynonyms(municipality: string): Map<string, string[]> {
    return focusAreaSynonyms(this.feedback.focusAreas(municipality), this.packOf(municipality).municipality.name);
  }

  private async askText(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { text } = optionsSchema.parse(step.options ?? {});
    // The options live in the dialog state until the dialog ends: keep only the masked text there.
    if (text && step.options) Object.assign(step.options, { text: maskPersonalData(text).text });
    if (text && enough(suggestionOf(text))) return step.next(text);
    return step.prompt(TEXT, {
      prompt: kinded(this.t(step, 'feedback.ask'), 'suggestion-ask'),
      retryPrompt: kinded(this.t(step, 'feedback.tooShort'), 'suggestion-ask'),
    });
  }

  private async understand(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const text = suggestionOf(String(step.result));
    const session = turnSession(step.context);
    const understanding = await this.feedback.understand(session.municipality, text, session.language);
    // Only the masked text is kept in the dialog state (an abandoned dialog must not keep the raw text).
    Object.assign(vals(step), { text: understanding.masked.text, masked: understanding.masked.masked, tag: understanding.tag, topic: understanding.topic });
    if (understanding.masked.masked.length > 0) {
      const what = understanding.masked.masked.map((m) => this.t(step, `feedback.maskedKind.${m.kind}`)).join(', ');
      await reply(step.context, 'masked', this.t(step, 'feedback.masked', { what }));
    }
    if (understanding.similar.length === 0) return step.next();
    const lines = understanding.similar.map((item) =>
      this.t(step, 'feedback.similarLine', {
        reference: item.reference,
        text: shorten(plainText(item.text), 120),
        supports: item.supports,
        status: this.t(step, `feedback.status.${item.status}`),
      }),
    );
    const choices = this.choices([
      ...understanding.similar.map((item) => ({
        value: `support:${item.id}`,
        title: this.t(step, 'feedback.supportButton', { reference: item.reference }),
        synonyms: [item.reference],
      })),
      { value: 'send', title: this.t(step, 'feedback.sendAnyway'), synonyms: ['skicka', 'send', 'eget', 'own'] },
    ]);
    const intro = this.t(step, 'feedback.similar', { count: understanding.similar.length });
    return this.prompt(step, `${intro}\n\n${lines.map((l) => `- ${l}`).join('\n')}`, choices);
  }

  private async askKind(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const choice = chosen(step.result);
    if (choice?.startsWith('support:')) {
      const session = turnSession(step.context);
      const item = await this.feedback.support(session.municipality, choice.slice(8), turnOrigin(step.context.activity).user);
      await reply(step.context, 'supported', this.t(step, 'feedback.supported', { reference: item.reference, supports: item.supports }));
      return step.endDialog();
    }
    // Stated in the message ("Beröm till …", "jag vill klaga på …"): not asked; the next question says which kind was understood.
    const { kind } = optionsSchema.parse(step.options ?? {});
    if (kind) {
      vals(step).kindStated = true;
      return step.next({ value: kind, index: 0, score: 1 } satisfies FoundChoice);
    }
    const choices = this.choices(
      feedbackKinds.map((kind) => ({ value: kind, title: this.t(step, `feedback.kind.${kind}`), synonyms: [kind] })),
    );
    return this.prompt(step, this.t(step, 'feedback.askKind'), choices);
  }

  private async confirmArea(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const kind = chosen(step.result);
    vals(step).kind = kind;
    const session = turnSession(step.context);
    // "Jag registrerar det som beröm – skriv … om det är något annat." when the kind was not asked.
    const understood = vals(step).kindStated === true && kind ? `${this.t(step, 'feedback.kindUnderstood', { kind: this.t(step, `feedback.kindAs.${kind}`) })}\n\n` : '';
    const tag = tagSchema.parse(vals(step).tag);
    const area = this.feedback.focusAreaName(session.municipality, tag.focusArea)[session.language];
    const second = tag.ranked[1]?.focusArea;
    const named = this.areaSynonyms(session.municipality);
    // An area typed in words ("nätverk och mötesplatser", "attraktivitet") is an answer too.
    const unshown = (shown: string[]) =>
      this.choices(this.feedback.focusAreas(session.municipality).filter((a) => !shown.includes(a.id)).map((a) => ({ value: `area:${a.id}`, title: a.name[session.language], synonyms: named.get(a.id) ?? [] })));
    if (tag.close && second) {
      // The tagger cannot tell the two best areas apart: the user chooses between them.
      const name = (id: string) => this.feedback.focusAreaName(session.municipality, id);
      const both = this.choices([
        ...[tag.focusArea, second].map((id) => ({ value: `area:${id}`, title: name(id)[session.language], synonyms: named.get(id) ?? [name(id).sv, name(id).en] })),
        { value: 'other', title: this.t(step, 'feedback.otherArea'), synonyms: ['nej', 'no', 'annat', 'other', 'inget av dem', 'neither'] },
      ]);
      return this.prompt(step, understood + this.t(step, 'feedback.interpretationTwo', { area, second: name(second)[session.language] }), both, 'suggestion-step', unshown([tag.focusArea, second]));
    }
    const choices = this.choices([
      { value: 'yes', title: this.t(step, 'feedback.confirmArea'), synonyms: ['ja', 'yes', 'stämmer', 'japp', 'ok', ...KEEP_READING, ...(named.get(tag.focusArea) ?? [])] },
      { value: 'other', title: this.t(step, 'feedback.otherArea'), synonyms: ['nej', 'no', 'annat', 'other'] },
    ]);
    return this.prompt(step, understood + this.t(step, 'feedback.interpretation', { area }), choices, 'suggestion-step', unshown([tag.focusArea]));
  }

  private async chooseArea(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const tag = tagSchema.parse(vals(step).tag);
    const answer = chosen(step.result) ?? '';
    if (answer === 'yes') return step.next({ value: tag.focusArea, index: 0, score: 1 } satisfies FoundChoice);
    if (answer.startsWith('area:')) return step.next({ value: answer.slice(5), index: 0, score: 1 } satisfies FoundChoice);
    const session = turnSession(step.context);
    // Best guesses first, so the likely alternatives are at the top.
    const order = tag.ranked.map((r) => r.focusArea);
    const areas = [...this.feedback.focusAreas(session.municipality)].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
    const named = this.areaSynonyms(session.municipality);
    const choices = this.choices(
      areas.map((area) => ({ value: area.id, title: area.name[session.language], synonyms: named.get(area.id) ?? [area.name.sv, area.name.en] })),
    );
    return this.prompt(step, this.t(step, 'feedback.chooseArea'), choices);
  }

  private async askPlace(step: WaterfallStepContext): Promise<DialogTurnResult> {
    vals(step).focusArea = chosen(step.result);
    const skip = this.t(step, 'feedback.skip');
    return step.prompt(FREE, {
      prompt: kinded(
        MessageFactory.attachment(CardFactory.heroCard('', this.t(step, 'feedback.askPlace'), undefined, [{ type: 'imBack', title: skip, value: skip }])),
        'suggestion-step',
      ),
    });
  }

  private async askContact(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const place = String(step.result ?? '').trim();
    const skipWords = /^(hoppa over|hoppa|skippa|skip|nej|no|nope|ingen|inget|ingenstans|ingen sarskild|inte nagon sarskild|vet inte|nothing|none|no place|n a|-+)\b/;
    vals(step).place = place && !skipWords.test(fold(place).replace(/[^a-z0-9 -]/g, ' ').trim()) ? maskPersonalData(place).text : undefined;
    const choices = this.choices([
      { value: 'yes', title: this.t(step, 'feedback.contactYes'), synonyms: ['ja', 'yes', 'ring mig', 'call me', 'kontakta mig', 'contact me', 'mejla mig', 'maila mig', 'email me', 'vill ha svar', 'want an answer', 'want a reply'] },
      {
        value: 'no',
        title: this.t(step, 'feedback.contactNo'),
        synonyms: ['nej', 'no', 'anonym', 'anonymous', 'anonymt', 'anonymously', 'nej tack', 'no thanks', 'inget svar', 'behöver inget svar', 'behövs inte', 'no answer', 'not needed', 'no need', 'vara anonym', 'förbli anonym', 'be anonymous', 'stay anonymous'],
      },
    ]);
    return this.prompt(step, this.t(step, 'feedback.askContact'), choices);
  }

  private async askReach(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (chosen(step.result) !== 'yes') return step.next();
    return step.prompt(REACH, {
      prompt: kinded(this.t(step, 'feedback.askReach'), 'suggestion-step'),
      retryPrompt: kinded(this.t(step, 'feedback.reachInvalid'), 'suggestion-step'),
    });
  }

  private async save(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = stateSchema.parse(vals(step));
    const reach = typeof step.result === 'string' ? step.result.trim() : undefined;
    const contact: SubmitterContact | undefined = reach ? (reach.includes('@') ? { email: reach } : { phone: reach }) : undefined;
    const session = turnSession(step.context);
    const pack = this.packOf(session.municipality);
    const origin = turnOrigin(step.context.activity);
    try {
      const result = await this.feedback.submit({
        municipality: session.municipality,
        text: state.text,
        masked: state.masked,
        kind: state.kind,
        place: state.place,
        language: session.language,
        focusArea: state.focusArea,
        tag: state.tag,
        topic: state.topic,
        user: origin.user,
        address: origin.address,
        contact,
        // One item per dialog instance: a retried answer (new activity id) after a turn whose state
        // could not be saved maps to the same item, as does a channel's repeated delivery.
        sourceKey: origin.sourceKey('suggestion', instanceOf(step)),
      });
      if (result.status === 'queued') {
        await reply(step.context, 'receipt', this.t(step, 'feedback.queued'));
      } else if (!result.created) {
        await reply(step.context, 'receipt', this.t(step, 'feedback.duplicateDelivery', { reference: result.item.reference }));
      } else {
        await reply(
          step.context,
          'receipt',
          this.t(step, 'feedback.receipt', {
            kind: this.t(step, `feedback.kind.${state.kind}`).toLowerCase(),
            reference: result.item.reference,
            area: this.feedback.focusAreaName(session.municipality, state.focusArea)[session.language],
            next: this.t(step, contact ? 'feedback.next.contact' : 'feedback.next.anonymous'),
          }),
        );
      }
      markAcknowledged(step.context);
    } catch (error) {
      await reply(step.context, 'notice', this.t(step, 'feedback.failed', { switchboard: pack.municipality.switchboard }));
      throw error;
    }
    return step.endDialog();
  }
}
