import { ConversationState, UserState, type Activity } from 'botbuilder';
import { repoRoot, type Config } from './config';
import { readFileSync } from 'node:fs';
import { createLogger, type Logger } from './log';
import { createBotAdapter } from './bot/adapter';
import { createBotRequestHandler } from './bot/processRequest';
import { ForetagslotsenBot, turnLanguage } from './bot/bot';
import { createLocalTurns } from './bot/localChannel';
import { createMessenger, notifier, type Messenger } from './bot/messenger';
import { createHttpServer, type HealthStatus, type HttpServer } from './server';
import { createRateLimits } from './rateLimits';
import { loadDataSet, type DataSet } from './domain/packs/loader';
import { createTexts, type Texts } from './domain/texts';
import { createStore } from './store';
import type { Store } from './store/types';
import { createLocalConversations, registerWebChat } from './web';
import { registerStaffWeb } from './web/staff';
import { createGuide, type Guide } from './domain/guide/guide';
import { detectCrisis } from './domain/guide/crisis';
import { MainDialog } from '../dialogs/mainDialog';
import { HandoffDialog } from '../dialogs/handoffDialog';
import { sendWelcome } from '../dialogs/welcome';
import { SuggestionDialog } from '../dialogs/suggestionDialog';
import { MySuggestionsDialog } from '../dialogs/mySuggestionsDialog';
import { createFeedbackService, type FeedbackService } from './domain/feedback/service';
import type { Outbox } from './domain/feedback/outbox';
import { createFileOutbox } from './store/outbox';
import { createFileModelCache } from './store/modelCache';
import { deferredModels, loadDeferredModel, type ModelCache } from './domain/text/classifier';
import { itemSubscribers } from './bot/itemSubscribers';
import { createEventQueue, type EventQueue } from './domain/events/queue';
import { itemEventKey, type ItemEvent } from './domain/feedback/events';
import { createStaffService, type StaffService } from './domain/staff/service';
import { createStaffTeams } from './bot/staffTeams';
import { createActorResolver } from './domain/staff/actor';
import { createFocusGroups, type FocusGroups } from './domain/focusGroups/service';
import { loadTemplates, type DialogueTemplate } from './domain/focusGroups/template';
import { createFocusGroupCommands } from './bot/focusGroupCommands';
import { FocusGroupDialog } from '../dialogs/focusGroupDialog';
import { PrivacyDialog } from '../dialogs/privacyDialog';
import { crisisResponder } from '../dialogs/crisis';
import { join } from 'node:path';
import { createThemeLayer } from './domain/themes/layer';
import { createPrivacyRights, type PrivacyRights } from './domain/privacy/rights';
import { Transcripts } from './web/activities';

/**
 * Milliseconds since the process began at each step of the start (module loading is what comes
 * before `modules`), for the start-up log line and the benchmark.
 */
function startPhases() {
  const ms: Record<string, number> = { modules: Math.round(performance.now()) };
  let last = performance.now();
  return {
    mark(phase: string) {
      const at = performance.now();
      ms[phase] = Math.round(at - last);
      last = at;
    },
    done: () => ({ ...ms, total: Math.round(performance.now()) }),
  };
}

/** The model cache, counting what a start found in it (`has`) and what it trained (`write`). */
function counted(cache: ModelCache | undefined, counts: { trained: number; cached: number }): ModelCache | undefined {
  if (!cache) return undefined;
  return {
    read: (key) => cache.read(key),
    write: (key, model) => {
      counts.trained += 1;
      cache.write(key, model);
    },
    ...(cache.has
      ? {
          has: (key: string) => {
            const found = cache.has?.(key) ?? false;
            if (found) counts.cached += 1;
            return found;
          },
        }
      : {}),
  };
}

const VERSION: string = (JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { version: string }).version;

export interface AppOverrides {
  store?: Store;
  logger?: Logger;
  data?: DataSet;
  /** An injected clock for tests. */
  now?: () => Date;
  outbox?: Outbox;
  /** Focus group templates (default: data/dialogues). */
  templates?: DialogueTemplate[];
  /** Trained classifier models (default: files in config.modelCacheDir). */
  modelCache?: ModelCache;
  /** Check every route-table answer against its declared schema (tests): a mismatch is a 500. */
  checkResponses?: boolean;
}

/** Everything the running bot is made of, wired by hand in one place. */
export interface AppContext {
  config: Config;
  logger: Logger;
  data: DataSet;
  texts: Texts;
  store: Store;
  guide: Guide;
  feedback: FeedbackService;
  staff: StaffService;
  focusGroups: FocusGroups;
  /** The item pipeline: every change of a feedback item, handled by its subscribers in the background. */
  events: EventQueue<ItemEvent>;
  /** A submitter's extract and erasure (GDPR art. 15 and 17). */
  privacy: PrivacyRights;
  bot: ForetagslotsenBot;
  adapter: ReturnType<typeof createBotAdapter>['adapter'];
  /** Everything the bot sends outside a turn (and to the built-in web chat), by address. */
  messenger: Messenger;
  http: HttpServer;
  /** Writes suggestions that waited in the outbox (also runs every 30 s and at start). */
  flushOutbox(): Promise<void>;
  /** Runs an activity through the bot as if it came from the built-in web chat. */
  runLocalTurn(activity: Partial<Activity>): Promise<void>;
  /** Resolves when the background retraining from staff corrections (begun by start) is done. */
  retrained(): Promise<void>;
  /** Listens on config.port (0 = a free port); resolves with the base URL. */
  start(): Promise<string>;
  /** Graceful stop: no new requests, turns in flight finish, the item pipeline drains, sockets and store close. */
  stop(): Promise<void>;
}

export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<AppContext> {
  const phases = startPhases();
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const now = overrides.now ?? (() => new Date());
  const data = overrides.data ?? loadDataSet(config.dataDir);
  if (!data.packs.has(config.defaultMunicipality)) {
    throw new Error(
      `DEFAULT_MUNICIPALITY: no data pack "${config.defaultMunicipality}" (packs: ${[...data.packs.keys()].join(', ')})`,
    );
  }
  phases.mark('data');
  const texts = createTexts(data.texts);
  const store = overrides.store ?? (await createStore(config.store, { logger, timeoutMs: config.storeTimeoutMs }));
  // Data stored before everything was partitioned by municipality moves there once, before the first request.
  await store.upgrade().then(
    (moved) => moved.staff + moved.sessions + moved.apiKeys > 0 && logger.info({ moved }, 'stored data moved to municipality partitions'),
    (error: unknown) => logger.warn({ err: error }, 'moving stored data to municipality partitions failed; tried again at the next start'),
  );
  phases.mark('store');

  const models = { trained: 0, cached: 0, retraining: false };
  const modelCache = counted(
    overrides.modelCache ??
      (config.modelCacheDir ? createFileModelCache(config.modelCacheDir, (error, what) => logger.warn({ err: error }, what)) : undefined),
    models,
  );
  const conversationState = new ConversationState(store.kv);
  const userState = new UserState(store.kv);
  const guide = createGuide({
    data,
    store,
    now,
    modelCache,
    onEventError: (error) => logger.warn({ err: error }, 'guide event not stored'),
  });

  phases.mark('routers');
  const defaultPack = data.packs.get(config.defaultMunicipality);
  const { adapter, auth } = createBotAdapter(
    config,
    logger,
    conversationState,
    () => texts.t('sv', 'core.error', { switchboard: defaultPack?.municipality.switchboard ?? '' }),
    (context) => texts.t(turnLanguage(context), 'core.storeDown'),
  );

  const conversations = createLocalConversations(store.backend, logger);
  const messenger = createMessenger({ adapter, appId: config.bot.appId, local: conversations.delivery });
  const notify = notifier(messenger);
  // One pipeline for what follows from a change of an item (its card, the submitter's message).
  const events = createEventQueue<ItemEvent>({
    keyOf: itemEventKey,
    onFailure: (error, { subscriber, event, attempt, final }) =>
      logger[final ? 'error' : 'warn'](
        { err: error, subscriber, event: event.type, item: event.item.reference, attempt },
        final ? 'item event failed for good' : 'item event failed; retried',
      ),
    onDropped: (event) => logger.warn({ event: event.type, item: event.item.reference }, 'item event after shutdown began; not handled'),
  });
  const staff: StaffService = createStaffService({
    data,
    texts,
    store,
    now,
    notify,
    themeName: (theme, language) => themes.name(theme, language),
    events,
    onError: (error, what) => logger.warn({ err: error }, what),
  });
  const actors = createActorResolver({ staff: store.staff, channels: store.channels, trustTeamMembers: config.staffTeamMembers, now });
  const staffTeams = createStaffTeams({
    data,
    texts,
    staff,
    staffMembers: store.staff,
    channels: store.channels,
    feedbackGet: (municipality, id) => store.feedback.get(municipality, id),
    now,
    actors,
  });
  phases.mark('bot');
  const themes = createThemeLayer(data.shared.themes, data.shared.themeCorpus, modelCache);
  phases.mark('themes');
  const feedback = createFeedbackService({
    data,
    themes,
    store,
    outbox: overrides.outbox ?? createFileOutbox(config.outboxDir, logger),
    rankTopics: (municipality, text) => guide.rank(municipality, text).ranked,
    now,
    events,
    onError: (error, what) => logger.warn({ err: error }, what),
    modelCache,
  });
  phases.mark('taggers');
  for (const subscriber of itemSubscribers({
    messenger,
    texts,
    feedback: store.feedback,
    channels: store.channels,
    cardActivity: (item) => staffTeams.cardActivity(item),
    now,
  })) {
    events.subscribe(subscriber);
  }

  const focusGroups = createFocusGroups({
    data,
    templates: overrides.templates ?? loadTemplates(join(config.dataDir, 'dialogues')),
    repo: store.focusGroups,
    now,
    tag: (municipality, text) => feedback.tagger(municipality).tag(text).focusArea,
    themes,
  });

  const privacy = createPrivacyRights({
    store: { feedback: store.feedback, contactRequests: store.contactRequests, kv: store.kv },
    transcripts: new Transcripts(store.backend),
    now,
  });

  const mainDialog = new MainDialog({
    guide,
    texts,
    handoff: new HandoffDialog(guide, texts, now),
    suggestion: new SuggestionDialog(feedback, (m) => guide.pack(m), texts, (m, text) => guide.interpret(m, text), (text, options) => guide.intent(text, options)),
    mySuggestions: new MySuggestionsDialog(feedback, texts),
    focusGroup: new FocusGroupDialog(focusGroups, feedback, texts),
    privacy: new PrivacyDialog(privacy, (m) => guide.pack(m), texts),
    data,
  });
  const bot = new ForetagslotsenBot({
    conversationState,
    userState,
    mainDialog,
    logger,
    municipalities: new Set(data.packs.keys()),
    defaultMunicipality: config.defaultMunicipality,
    welcome: (context, session) => sendWelcome(context, session, { texts, data }),
    crisis: crisisResponder({ data, texts, store }),
    staff: staffTeams,
    tooLong: {
      max: config.maxMessageChars,
      reply: (language, length) => texts.t(language, 'core.tooLong', { length, max: config.maxMessageChars }),
    },
    focusGroups: createFocusGroupCommands({
      groups: focusGroups,
      actors,
      texts,
      config,
      focusAreaName: (municipality, id, language) => feedback.focusAreaName(municipality, id)[language],
    }),
  });

  phases.mark('dialogs');
  const health = async (): Promise<HealthStatus> => {
    const storeHealth = await store.health();
    return {
      status: storeHealth.ok ? 'ok' : 'degraded',
      version: VERSION,
      store: storeHealth,
      packs: [...data.packs.keys()],
      auth: config.bot.authEnabled ? 'on' : 'off',
      models: { ready: true, trained: models.trained, cached: models.cached, toLoad: deferredModels(), retraining: models.retraining },
    };
  };

  const limits = createRateLimits(config.rateLimits);
  const http = createHttpServer({
    logger,
    health,
    limits,
    authEnabled: config.bot.authEnabled,
    checkResponses: overrides.checkResponses,
    processBotRequest: createBotRequestHandler({ adapter, auth, logger, run: (context) => bot.run(context) }),
  });

  const runLocalTurn = createLocalTurns({ adapter, auth, appId: config.bot.appId, local: conversations.delivery, logic: (context) => bot.run(context) });

  const webchat = registerWebChat(http, {
    config,
    logger,
    store,
    municipalities: new Map([...data.packs].map(([id, pack]) => [id, { name: pack.municipality.name }])),
    texts,
    conversations,
    runTurn: runLocalTurn,
    now,
    limits,
    isCrisis: (text) => detectCrisis(text, data.shared.crisis) !== undefined,
  });
  registerStaffWeb(http, { logger, data, store, staff, feedback, focusGroups, themes, privacy, now, limits, actors, maxTextChars: config.maxMessageChars, version: VERSION });

  phases.mark('http');
  // Suggestions that waited for the store are written as soon as it answers again.
  let flushing = false;
  const flush = async () => {
    if (flushing) return;
    flushing = true;
    try {
      const { written, waiting } = await feedback.flushOutbox();
      if (written > 0 || waiting > 0) logger.info({ written, waiting }, 'outbox flushed');
    } catch (error) {
      logger.warn({ err: error }, 'outbox flush failed');
    } finally {
      flushing = false;
    }
  };
  const flushTimer = setInterval(() => void flush(), 30_000);
  flushTimer.unref();
  store.onAvailable(() => {
    logger.info({ store: store.kind }, 'store available again');
    void flush();
  });

  // Each team's daily digest, once a day after 07:00 (StaffService.dailyTeamDigest claims the day in the store).
  const digest = async () => {
    for (const id of data.packs.keys()) {
      try {
        const sent = await staff.dailyTeamDigest(id);
        if (sent && sent.teams > 0) logger.info({ municipality: id, ...sent }, 'daily team digest sent');
      } catch (error) {
        logger.warn({ err: error, municipality: id }, 'daily team digest failed');
      }
    }
  };
  const digestTimer = setInterval(() => void digest(), 60 * 60 * 1000);
  digestTimer.unref();

  // Items stored before the store kept their terms and sort keys get them, once per municipality.
  const reindexFeedback = async (): Promise<void> => {
    for (const id of data.packs.keys()) {
      if (stopped) return;
      const key = `reindex/feedback-v2/${id}`;
      try {
        if ((await store.kv.read([key]))[key]) continue;
        // A page at a time, other work (turns) let in between: never one long block of the event loop.
        let written = 0;
        let cursor: string | undefined;
        do {
          const page = await store.feedback.reindex(id, { cursor });
          written += page.written;
          cursor = page.next;
          await new Promise((resolve) => setImmediate(resolve));
        } while (cursor && !stopped);
        if (stopped) return;
        await store.kv.write({ [key]: { at: now().toISOString(), written, eTag: '*' } });
        if (written > 0) logger.info({ municipality: id, written }, 'feedback items reindexed');
      } catch (error) {
        logger.warn({ err: error, municipality: id }, 'feedback reindexing failed; tried again at the next start');
      }
    }
  };
  const retrainFromCorrections = async (): Promise<void> => {
    models.retraining = true;
    for (const id of data.packs.keys()) {
      if (stopped) return;
      try {
        if ((await feedback.corrections(id)).length === 0) continue;
        const { corrections } = await feedback.retrain(id);
        logger.info({ municipality: id, corrections }, 'tagger retrained with staff corrections');
      } catch (error) {
        logger.warn({ err: error, municipality: id }, 'tagger retraining failed; using the pack examples only');
      }
    }
    models.retraining = false;
  };
  // The cached models are read after the server listens, one per turn of the event loop.
  const loadCachedModels = async (): Promise<void> => {
    while (!stopped && loadDeferredModel()) await new Promise((resolve) => setImmediate(resolve));
  };
  let retraining: Promise<void> = Promise.resolve();

  let stopped = false;
  return {
    config,
    logger,
    data,
    texts,
    store,
    guide,
    feedback,
    staff,
    focusGroups,
    events,
    privacy,
    bot,
    adapter,
    messenger,
    http,
    runLocalTurn,
    flushOutbox: flush,
    start: async () => {
      const url = await new Promise<string>((resolve, reject) => {
        http.server.server.once('error', reject);
        http.server.listen(config.port, config.host, () => {
          const { port } = http.server.address();
          const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
          void flush();
          phases.mark('listen');
          logger.info({ ms: phases.done() }, 'start-up phases');
          resolve(`http://${host}:${port}`);
        });
      });
      // The taggers learn from the staff re-tags stored so far (and again on demand from the staff
      // API), in the background: until then, the pack examples' tagger answers.
      retraining = loadCachedModels().then(reindexFeedback).then(retrainFromCorrections);
      return url;
    },
    retrained: () => retraining,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      clearInterval(flushTimer);
      clearInterval(digestTimer);
      await retraining;
      const closed = new Promise<void>((resolve) => {
        http.server.close(() => resolve());
      });
      await http.drain(config.shutdownTimeoutMs);
      // What the finished turns published (cards, messages to submitters) is sent before the channels close.
      if (!(await events.drain(config.shutdownTimeoutMs))) logger.warn({ pending: events.pending }, 'item events still pending at shutdown');
      await webchat.close();
      http.server.server.closeAllConnections?.();
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1000))]);
      await store.close();
    },
  };
}
