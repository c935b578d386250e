import { ChoicePrompt, recognizeChoices, type Choice, type FindChoicesOptions, type FoundChoice, type ModelResult, type PromptValidator } from 'botbuilder-dialogs';
import { choiceNumber } from '../src/domain/text/choiceNumber';

/**
 * How the prompts find a choice in a message: its title or synonyms first (botbuilder's
 * findChoices), then a position the message names ("2", "den andra", "the second one") read by
 * src/domain/text/choiceNumber. botbuilder's own number and ordinal recognizers are off: they
 * build their recognizer models on every call (the costliest part of a turn at a prompt), read
 * ordinals in English only, and take any number in a sentence ("vi är 3 anställda") as a button.
 */
export const CHOICE_RECOGNIZER: FindChoicesOptions = { recognizeNumbers: false, recognizeOrdinals: false };

type ChoiceLike = string | Choice;
const asChoice = (choice: ChoiceLike): Choice => (typeof choice === 'string' ? { value: choice } : choice);

/** The choice a message names by its position ("2", "den andra"), if any. */
function choiceAtPosition(text: string, choices: readonly ChoiceLike[]): ModelResult<FoundChoice> | undefined {
  const position = choiceNumber(text);
  const found = position !== undefined ? choices[position - 1] : undefined;
  if (position === undefined || found === undefined) return undefined;
  return { start: 0, end: Math.max(0, text.length - 1), typeName: 'choice', text, resolution: { value: asChoice(found).value, index: position - 1, score: 1 } };
}

/** The choices a message names, by words or by position (empty: none). */
export function findChoicesIn(text: string, choices: readonly ChoiceLike[]): Array<ModelResult<FoundChoice>> {
  const byWords = recognizeChoices(text, choices.map(asChoice), CHOICE_RECOGNIZER);
  if (byWords.length > 0) return byWords;
  const byPosition = choiceAtPosition(text, choices);
  return byPosition ? [byPosition] : [];
}

/**
 * A ChoicePrompt that finds its choices through findChoicesIn; `validator` (optional) sees the
 * result as a ChoicePrompt validator does.
 */
export function choicePrompt(dialogId: string, validator?: PromptValidator<FoundChoice>): ChoicePrompt {
  const prompt = new ChoicePrompt(dialogId, async (context) => {
    // The prompt found none by words (with the same options): only the position is left to read.
    if (!context.recognized.succeeded) {
      const found = choiceAtPosition(context.context.activity.text ?? '', context.options.choices ?? []);
      if (found) {
        context.recognized.succeeded = true;
        context.recognized.value = found.resolution;
      }
    }
    return validator ? validator(context) : context.recognized.succeeded;
  });
  prompt.recognizerOptions = { ...CHOICE_RECOGNIZER };
  return prompt;
}
