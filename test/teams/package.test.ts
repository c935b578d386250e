import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import JSZip from 'jszip';
import { writeTeamsPackage } from '../../src/cli/teamsPackage';

const schemaFile = join(__dirname, '..', '..', 'node_modules', '@microsoft', 'app-manifest', 'build', 'json-schemas', 'teams', 'v1.17', 'MicrosoftTeams.schema.json');
const BOT_ID = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const out = mkdtempSync(join(tmpdir(), 'fl-teams-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function pngSize(buffer: Buffer): { width: number; height: number } {
  expect(buffer.subarray(1, 4).toString('ascii')).toBe('PNG');
  return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) };
}

describe('Teams app package', () => {
  it('writes a zip whose manifest validates against Microsoft\'s schema, with the bot id and both icons', async () => {
    const { zip } = await writeTeamsPackage({
      env: { MicrosoftAppId: BOT_ID, MicrosoftAppPassword: 'secret', WEBCHAT_TOKEN_SECRET: 'a-test-secret-of-at-least-32-characters', PUBLIC_URL: 'https://lotsen.example.se', DEFAULT_MUNICIPALITY: 'borlange' },
      outDir: out,
    });
    const archive = await JSZip.loadAsync(readFileSync(zip));
    expect(Object.keys(archive.files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(await archive.file('manifest.json')!.async('string')) as Record<string, unknown> & {
      bots: Array<{ botId: string; scopes: string[] }>;
      validDomains: string[];
      name: { full: string };
    };
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
    const valid = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(manifest.id).toBe(BOT_ID);
    expect(manifest.bots[0]?.botId).toBe(BOT_ID);
    expect(manifest.bots[0]?.scopes).toEqual(['personal', 'team', 'groupChat']);
    expect(manifest.validDomains).toEqual(['lotsen.example.se']);
    expect(manifest.name.full).toContain('Borlänge');
    expect(pngSize(Buffer.from(await archive.file('color.png')!.async('uint8array')))).toEqual({ width: 192, height: 192 });
    expect(pngSize(Buffer.from(await archive.file('outline.png')!.async('uint8array')))).toEqual({ width: 32, height: 32 });
    // The icons are the checked-in files, unchanged.
    for (const icon of ['color.png', 'outline.png']) {
      expect(Buffer.from(await archive.file(icon)!.async('uint8array')).equals(readFileSync(join(__dirname, '..', '..', 'assets', 'teams', icon)))).toBe(true);
    }
  });

  it('refuses without a bot id, and names what is missing', async () => {
    await expect(writeTeamsPackage({ env: {}, outDir: out })).rejects.toThrow(/MicrosoftAppId is not set/);
    await expect(writeTeamsPackage({ env: { MicrosoftAppId: 'not-a-guid', MicrosoftAppPassword: 'x', WEBCHAT_TOKEN_SECRET: 'a-test-secret-of-at-least-32-characters' }, outDir: out })).rejects.toThrow(/GUID/);
  });
});
