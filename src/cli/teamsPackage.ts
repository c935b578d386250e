/**
 * npm run teams:package [-- --municipality ID] [--out DIR]
 * Writes a Teams app package (manifest.json and the icons in assets/teams/, zipped) for the
 * configured bot (MicrosoftAppId) to var/teams/ (or --out). Upload the zip in Teams (Apps → Manage your apps →
 * Upload an app) or in the Teams admin centre.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import JSZip from 'jszip';
import { ConfigError, loadConfig, readDotEnv, repoRoot } from '../config';
import { loadDataSet } from '../domain/packs/loader';
import { buildManifest } from '../teams/manifest';

export interface PackageResult {
  zip: string;
  manifest: Record<string, unknown>;
}

export async function writeTeamsPackage(options: {
  env: Record<string, string | undefined>;
  municipality?: string;
  outDir?: string;
}): Promise<PackageResult> {
  const root = repoRoot();
  const config = loadConfig(options.env, root);
  if (!config.bot.appId) {
    throw new Error('MicrosoftAppId is not set: a Teams package needs the Azure Bot\'s app id (see README, "Connecting to Azure Bot Service and Teams").');
  }
  const municipality = options.municipality ?? config.defaultMunicipality;
  const data = loadDataSet(config.dataDir, { only: [municipality] });
  const pack = data.packs.get(municipality);
  if (!pack) throw new Error(`no data pack "${municipality}"`);
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const manifest = buildManifest({ botId: config.bot.appId, pack, publicUrl: config.publicUrl, version });
  const outDir = options.outDir ?? join(root, 'var', 'teams');
  mkdirSync(outDir, { recursive: true });
  const zip = new JSZip();
  zip.file('manifest.json', JSON.stringify(manifest, null, 2));
  // The icons Teams asks for: 192×192 colour, 32×32 outline (white on transparent).
  for (const icon of ['color.png', 'outline.png']) zip.file(icon, readFileSync(join(root, 'assets', 'teams', icon)));
  const file = join(outDir, `foretagslotsen-${municipality}.zip`);
  writeFileSync(file, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return { zip: file, manifest };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const value = (name: string) => {
    const index = args.indexOf(name);
    return index >= 0 ? args[index + 1] : undefined;
  };
  writeTeamsPackage({
    env: { ...readDotEnv(join(repoRoot(), '.env')), ...process.env },
    municipality: value('--municipality'),
    outDir: value('--out'),
  }).then(
    ({ zip }) => {
      process.stdout.write(`Teams app package written: ${zip}\n`);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
