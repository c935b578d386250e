import { ActivityTypes, TestAdapter, type Activity } from 'botbuilder';
import type { AppContext } from '../../src/app';

/**
 * Talks to the real bot (real dialogs, real store) through botbuilder's TestAdapter, one turn at a
 * time, returning the replies of each turn.
 */
export class Conversation {
  readonly adapter: TestAdapter;
  private counter = 0;

  constructor(
    app: AppContext,
    /** serviceUrl: where the bot's proactive messages to this conversation go (see helpers/channel.ts). */
    readonly options: { conversationId?: string; userId?: string; channelData?: Record<string, unknown>; channelId?: string; serviceUrl?: string } = {},
  ) {
    this.adapter = new TestAdapter(async (context) => app.bot.run(context), {
      // TestAdapter copies this template over every activity, so only the channel (and where
      // proactive messages go) is fixed here; without a serviceUrl it uses https://test.com.
      channelId: options.channelId ?? 'test',
      ...(options.serviceUrl ? { serviceUrl: options.serviceUrl } : {}),
    });
    this.conversation = {
      id: options.conversationId ?? `conv-${Math.random().toString(36).slice(2)}`,
      isGroup: false,
      name: '',
      conversationType: 'personal',
    };
  }

  private readonly conversation: Activity['conversation'];

  /** Sends a message (text) or a card button press (value) and returns the replies. */
  async say(input: string | { value: Record<string, unknown>; text?: string }): Promise<Partial<Activity>[]> {
    const activity: Partial<Activity> =
      typeof input === 'string'
        ? { type: ActivityTypes.Message, text: input }
        : { type: ActivityTypes.Message, text: input.text, value: input.value };
    return this.send(activity);
  }

  async send(activity: Partial<Activity>): Promise<Partial<Activity>[]> {
    this.counter += 1;
    const full: Partial<Activity> = {
      ...activity,
      id: activity.id ?? `a${this.counter}`,
      // TestAdapter copies its template over every activity, so the sender is set here, per activity.
      from: activity.from ?? ({ id: this.options.userId ?? 'user-1', name: 'Anna' }),
      conversation: activity.conversation ?? this.conversation,
      recipient: activity.recipient ?? ({ id: 'bot', name: 'Företagslotsen' }),
      channelData: { ...(this.options.channelData ?? {}), ...((activity.channelData as object | undefined) ?? {}) },
    };
    this.adapter.activeQueue.splice(0);
    await this.adapter.processActivity(full);
    return this.adapter.activeQueue.splice(0);
  }
}

/** The text a user reads in replies, including inside Adaptive Cards and hero cards. */
export function readable(activities: Partial<Activity>[]): string {
  const parts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if ((key === 'text' || key === 'title') && typeof value === 'string') parts.push(value);
        else walk(value);
      }
    }
  };
  for (const activity of activities) {
    if (activity.text) parts.push(activity.text);
    walk(activity.attachments ?? []);
  }
  return parts.join('\n');
}

/** Values of the buttons (Action.Submit data / messageBack values) in the replies. */
export function buttons(activities: Partial<Activity>[]): Array<{ title: string; value: Record<string, unknown> }> {
  const found: Array<{ title: string; value: Record<string, unknown> }> = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (typeof record.title === 'string' && record.data && typeof record.data === 'object') {
        found.push({ title: record.title, value: record.data as Record<string, unknown> });
      } else if (typeof record.title === 'string' && record.value && typeof record.value === 'object') {
        found.push({ title: record.title, value: record.value as Record<string, unknown> });
      }
      for (const value of Object.values(record)) walk(value);
    }
  };
  for (const activity of activities) walk(activity.attachments ?? []);
  return found;
}

/** Titles of imBack buttons (hero cards from choice prompts): pressing one sends its title. */
export function choices(activities: Partial<Activity>[]): string[] {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'imBack' && typeof record.title === 'string') found.push(record.title);
      for (const value of Object.values(record)) walk(value);
    }
  };
  for (const activity of activities) {
    walk(activity.attachments ?? []);
    walk(activity.suggestedActions ?? []);
  }
  return found;
}
