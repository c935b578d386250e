import { ConversationState, UserState, type Activity } from 'botbuilder';
import { repoRoot, type Config } from './config';
import { readFileSync } from 'node:fs';
import { createLogger, type Logger } from './log';
import { createBotAdapter } from './bot/adapter';
import { createBotRequestHandler } from './bot/processRequest';
import { ForetagslotsenBot, turnLanguage } from './bot/bot';
import { LOCAL_CHANNEL_ID } from './bot/localChannel';
import { createHttpServer, type HealthStatus, type HttpServer } from './server';
import { createRateLimits } from './rateLimits';
import { loadDataSet, type DataSet } from './domain/packs/loader';
import { createTexts, type Texts } from './domain/texts';
import { createStore } from './store';
import type { Store } from './store/types';
import { registerWebChat } from './web';
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
import type { ModelCache } from './domain/text/classifier';
import { createNotifier } from './bot/notify';
import { createStaffService, type StaffService } from './domain/staff/service';
import { createStaffTeams } from './bot/staffTeams';
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
  /** A submitter's extract and erasure (GDPR art. 15 and 17). */
  privacy: PrivacyRights;
  bot: ForetagslotsenBot;
  adapter: ReturnType<typeof createBotAdapter>['adapter'];
  http: HttpServer;
  /** Writes suggestions that waited in the outbox (also runs every 30 s and at start). */
  flushOutbox(): Promise<void>;
  /** Runs an activity through the bot as if it came from the built-in web chat. */
  runLocalTurn(activity: Partial<Activity>): Promise<void>;
  /** Resolves when the background retraining from staff corrections (begun by start) is done. */
  retrained(): Promise<void>;
  /** Listens on config.port (0 = a free port); resolves with the base URL. */
  start(): Promise<string>;
  /** Graceful stop: no new requests, turns in flight finish, sockets and store close. */
  stop(): Promise<void>;
}

export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<AppContext> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const now = overrides.now ?? (() => new Date());
  const data = overrides.data ?? loadDataSet(config.dataDir);
  if (!data.packs.has(config.defaultMunicipality)) {
    throw new Error(
      `DEFAULT_MUNICIPALITY: no data pack "${config.defaultMunicipality}" (packs: ${[...data.packs.keys()].join(', ')})`,
    );
  }
  const texts = createTexts(data.texts);
  const store = overrides.store ?? (await createStore(config.store, { logger, timeoutMs: config.storeTimeoutMs }));

  const modelCache =
    overrides.modelCache ??
    (config.modelCacheDir ? createFileModelCache(config.modelCacheDir, (error, what) => logger.warn({ err: error }, what)) : undefined);
  const conversationState = new ConversationState(store.kv);
  const userState = new UserState(store.kv);
  const guide = createGuide({
    data,
    store,
    now,
    modelCache,
    onEventError: (error) => logger.warn({ err: error }, 'guide event not stored'),
    onContactRequest: async (request) => {
      await staff.routeNewRequest(request);
    },
  });

  const defaultPack = data.packs.get(config.defaultMunicipality);
  const { adapter, auth } = createBotAdapter(
    config,
    logger,
    conversationState,
    () => texts.t('sv', 'core.error', { switchboard: defaultPack?.municipality.switchboard ?? '' }),
    (context) => texts.t(turnLanguage(context), 'core.storeDown'),
  );

  const notify = createNotifier(adapter, config.bot.appId);
  const staff: StaffService = createStaffService({
    data,
    texts,
    store,
    now,
    notify,
    postToTeam: (item, address) => staffTeams.post(adapter, config.bot.appId, item, address),
    onError: (error, what) => logger.warn({ err: error }, what),
  });
  const staffTeams = createStaffTeams({
    data,
    texts,
    staff,
    staffMembers: store.staff,
    channels: store.channels,
    feedbackGet: (municipality, id) => store.feedback.get(municipality, id),
    now,
    trustTeamMembers: config.staffTeamMembers,
  });
  const themes = createThemeLayer(data.shared.themes, data.shared.themeCorpus, modelCache);
  const feedback = createFeedbackService({
    data,
    themes,
    store,
    outbox: overrides.outbox ?? createFileOutbox(config.outboxDir, logger),
    rankTopics: (municipality, text) => guide.rank(municipality, text).ranked,
    now,
    onQueuedStored: async (item) => {
      if (!item.submitter.address) return;
      await notify(item.submitter.address, texts.t(item.submitter.language, 'feedback.queuedStored', { reference: item.reference }));
    },
    onError: (error, what) => logger.warn({ err: error }, what),
    modelCache,
    onStored: async (item) => {
      await staff.routeNew(item);
    },
  });

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
      staff: store.staff,
      texts,
      config,
      focusAreaName: (municipality, id, language) => feedback.focusAreaName(municipality, id)[language],
    }),
  });

  const health = async (): Promise<HealthStatus> => {
    const storeHealth = await store.health();
    return {
      status: storeHealth.ok ? 'ok' : 'degraded',
      version: VERSION,
      store: storeHealth,
      packs: [...data.packs.keys()],
      auth: config.bot.authEnabled ? 'on' : 'off',
    };
  };

  const limits = createRateLimits(config.rateLimits);
  const http = createHttpServer({
    logger,
    health,
    limits,
    authEnabled: config.bot.authEnabled,
    processBotRequest: createBotRequestHandler({ adapter, auth, logger, run: (context) => bot.run(context) }),
  });

  const runLocalTurn = async (activity: Partial<Activity>): Promise<void> => {
    if (activity.channelId !== LOCAL_CHANNEL_ID) throw new Error('runLocalTurn takes local web chat activities only');
    await adapter.processActivityDirect(auth.localRequestResult(), activity as Activity, (context) => bot.run(context));
  };

  const webchat = registerWebChat(http.server, {
    config,
    logger,
    store,
    municipalities: new Map([...data.packs].map(([id, pack]) => [id, { name: pack.municipality.name }])),
    texts,
    runTurn: runLocalTurn,
    now,
    limits,
    isCrisis: (text) => detectCrisis(text, data.shared.crisis) !== undefined,
  });
  auth.attachLocalOutbound(webchat.outbound);
  registerStaffWeb(http.server, { logger, data, store, staff, feedback, focusGroups, themes, privacy, now, limits, maxTextChars: config.maxMessageChars });

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

  // Each team's daily digest, once a day after 07:00 (the day's key in the store makes it once per day).
  const digest = async () => {
    const now = new Date();
    if (now.getHours() < 7) return;
    for (const id of data.packs.keys()) {
      const key = `digest/${id}/${now.toISOString().slice(0, 10)}`;
      try {
        if ((await store.kv.read([key]))[key]) continue;
        await store.kv.write({ [key]: { at: now.toISOString(), eTag: '*' } });
        const sent = await staff.teamDigest(id);
        if (sent.teams > 0) logger.info({ municipality: id, ...sent }, 'daily team digest sent');
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
      const key = `reindex/feedback-v1/${id}`;
      try {
        if ((await store.kv.read([key]))[key]) continue;
        const written = await store.feedback.reindex(id);
        await store.kv.write({ [key]: { at: now().toISOString(), written, eTag: '*' } });
        if (written > 0) logger.info({ municipality: id, written }, 'feedback items reindexed');
      } catch (error) {
        logger.warn({ err: error, municipality: id }, 'feedback reindexing failed; tried again at the next start');
      }
    }
  };
  const retrainFromCorrections = async (): Promise<void> => {
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
    privacy,
    bot,
    adapter,
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
          resolve(`http://${host}:${port}`);
        });
      });
      // The taggers learn from the staff re-tags stored so far (and again on demand from the staff
      // API), in the background: until then, the pack examples' tagger answers.
      retraining = reindexFeedback().then(retrainFromCorrections);
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
      await webchat.close();
      http.server.server.closeAllConnections?.();
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1000))]);
      await store.close();
    },
  };
}
