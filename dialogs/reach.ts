import type { PromptValidatorContext } from 'botbuilder-dialogs';
import { reachIn } from '../src/domain/guide/contactRequest';

/** A contact prompt's answer: the e-mail address or phone number in it, which becomes the prompt's value. */
export function acceptReach(prompt: PromptValidatorContext<string>): boolean {
  const reach = reachIn(prompt.recognized.value ?? '');
  if (reach === undefined) return false;
  prompt.recognized.value = reach;
  return true;
}
