/**
 * Runs once before the test files: trains every classifier the app uses (theme layer, routers, intents,
 * taggers) into the model cache the test apps read (MODEL_CACHE_DIR's default, var/models), so
 * that the files running in parallel load the models instead of each training them again.
 */
import { join } from 'node:path';
import { loadDataSet } from '../src/domain/packs/loader';
import { createThemeLayer } from '../src/domain/themes/layer';
import { taggerForPack } from '../src/domain/feedback/tagger';
import { routerFor } from '../src/domain/guide/router';
import { createIntentReader } from '../src/domain/guide/intents';
import { createFileModelCache } from '../src/store/modelCache';
import { loadConfig } from '../src/config';

export default function setup(): void {
  process.env.DOTENV_CONFIG_QUIET = 'true';
  const root = join(__dirname, '..');
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  if (!config.modelCacheDir) return;
  const cache = createFileModelCache(config.modelCacheDir);
  const data = loadDataSet(join(root, 'data'));
  const layer = createThemeLayer(data.shared.themes, data.shared.themeCorpus, cache);
  createIntentReader(data.shared.conversation, cache);
  const topics = Object.keys(data.taxonomy.topics);
  for (const pack of data.packs.values()) {
    taggerForPack(pack, layer, [], cache);
    routerFor({ shared: data.shared, taxonomyTopics: topics, packPhrasings: pack.phrasings, cache });
  }
}
