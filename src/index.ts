process.env.DOTENV_CONFIG_QUIET ??= 'true';

import path from 'node:path';
import { ConfigError, loadConfig, readDotEnv, repoRoot } from './config';
import { createApp } from './app';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig({ ...readDotEnv(path.join(repoRoot(), '.env')), ...process.env });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee .env.example for every setting.\n`);
      process.exit(1);
    }
    throw error;
  }

  const app = await createApp(config);
  const url = await app.start();
  const { logger } = app;
  if (!config.bot.authEnabled) {
    logger.warn('Bot Framework authentication is OFF (MicrosoftAppId is not set): for local use only');
  }
  logger.info(
    { url, store: config.store.kind, packs: [...app.data.packs.keys()], defaultMunicipality: config.defaultMunicipality },
    'Företagslotsen is running',
  );
  process.stdout.write(
    `\nFöretagslotsen is running.\n  Web chat:     ${url}/\n  Bot endpoint: ${url}/api/messages\n  Health:       ${url}/healthz\n\n`,
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing turns in flight');
    app.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Företagslotsen could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
