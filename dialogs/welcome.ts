import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import type { ConversationSession } from '../src/domain/session';
import type { DataSet } from '../src/domain/packs/loader';
import type { Texts } from '../src/domain/texts';
import { button } from './cards';
import { reply } from './reply';

function mainButtons(t: (key: string) => string) {
  return [
    button(t('guide.welcome.askExample'), { action: 'scenario', scenario: 'open-restaurant' }),
    button(t('guide.welcome.suggest'), { action: 'feedback' }),
    button(t('guide.welcome.person'), { action: 'handoff' }),
    button(t('guide.welcome.mine'), { action: 'my-suggestions' }),
  ];
}

/** The welcome: what the bot can do, with a button for each main job. */
export async function sendWelcome(
  context: TurnContext,
  session: ConversationSession,
  deps: { texts: Texts; data: DataSet },
): Promise<void> {
  const pack = deps.data.packs.get(session.municipality);
  if (!pack) throw new Error(`no data pack for ${session.municipality}`);
  const lang = session.language;
  const t = (key: string, vars?: Record<string, string>) => deps.texts.t(lang, key, vars);
  const card = CardFactory.heroCard(
    t('guide.welcome.title', { municipality: pack.municipality.name }),
    t('guide.welcome.text', { feedbackName: pack.municipality.strategy.feedbackName }),
    undefined,
    mainButtons(t),
  );
  await reply(context, 'capabilities', MessageFactory.attachment(card));
}

/** A greeting, thanks, small talk or "hjälp": a short friendly answer with what the bot can do. */
export async function sendCapabilities(
  context: TurnContext,
  session: ConversationSession,
  reason: 'greeting' | 'thanks' | 'help' | 'smalltalk',
  deps: { texts: Texts; data?: DataSet },
): Promise<void> {
  const lang = session.language;
  const pack = deps.data?.packs.get(session.municipality);
  const t = (key: string, vars?: Record<string, string>) => deps.texts.t(lang, key, vars);
  const text = `${t(`guide.capabilities.${reason}`)} ${t('guide.capabilities.what', { municipality: pack?.municipality.name ?? '' })}`;
  await reply(context, 'capabilities', MessageFactory.attachment(CardFactory.heroCard('', text, undefined, mainButtons(t))));
}
