import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStaffCommand } from '../../src/cli/staff';
import { startTestApp, type TestApp } from '../helpers/app';

/** Open311 POST needs the jurisdiction's api_key, made and revoked with the staff CLI; GET stays open. */
describe('Open311 api_key', () => {
  let dir: string;
  let env: Record<string, string>;
  let t: TestApp;
  let moraKey: string;
  let moraKeyId: string;
  let borlangeKey: string;

  const staffCli = async (...args: string[]) => {
    const lines: string[] = [];
    const code = await runStaffCommand(args, env, (line) => lines.push(line));
    return { code, lines };
  };
  const keyOf = (lines: string[]) => /api_key \(shown once, store it safely\): (\S+)/.exec(lines.join('\n'))?.[1] ?? '';
  const post = (fields: Record<string, string>) =>
    fetch(`${t.url}/open311/v2/requests.json`, {
      method: 'POST',
      body: new URLSearchParams({ jurisdiction_id: 'mora', service_code: 'mora.networks-development', description: 'Fler frukostmöten för företagare i centrum', ...fields }),
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fl-apikey-'));
    env = { SQLITE_PATH: join(dir, 'keys.sqlite'), OUTBOX_DIR: join(dir, 'outbox'), LOG_LEVEL: 'silent' };
    const mora = await staffCli('apikey', 'add', '--municipality', 'mora', '--name', 'Felanmälan Mora');
    expect(mora.code).toBe(0);
    moraKey = keyOf(mora.lines);
    moraKeyId = /key (ak-[0-9a-f]+)/.exec(mora.lines.join('\n'))?.[1] ?? '';
    borlangeKey = keyOf((await staffCli('apikey', 'add', '--municipality', 'borlange', '--name', 'Borlänge')).lines);
    t = await startTestApp(env);
  });
  afterAll(async () => {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the CLI prints the key once and stores only its hash', async () => {
    expect(moraKey).toMatch(/^o311_/);
    const listed = await staffCli('apikey', 'list');
    expect(listed.lines.join('\n')).toMatch(new RegExp(`${moraKeyId}\\s+mora\\s+Felanmälan Mora`));
    expect(listed.lines.join('\n')).not.toContain(moraKey);
    const stored = await t.app.store.apiKeys.get(moraKeyId);
    expect(JSON.stringify(stored)).not.toContain(moraKey);
    expect(stored?.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await staffCli('apikey', 'add', '--municipality', 'atlantis', '--name', 'x')).code).toBe(2);
  });

  it('POST without a key → 401, with a wrong key or another jurisdiction\'s key → 403, GeoReport errors', async () => {
    const none = await post({});
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual([{ code: 401, description: expect.stringMatching(/api_key/) }]);
    const wrong = await post({ api_key: 'o311_guessed' });
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toEqual([{ code: 403, description: expect.stringMatching(/api_key/) }]);
    expect((await post({ api_key: borlangeKey })).status).toBe(403);
    expect(await t.app.store.feedback.list('mora')).toHaveLength(0);
  });

  it('POST with the jurisdiction\'s key → 201; after revoke → 403; GET stays open', async () => {
    const created = await post({ api_key: moraKey });
    expect(created.status).toBe(201);
    const [first] = (await created.json()) as Array<{ service_request_id: string }>;
    expect(first?.service_request_id).toBeTruthy();
    expect((await fetch(`${t.url}/open311/v2/requests.json?jurisdiction_id=mora`)).status).toBe(200);
    expect((await fetch(`${t.url}/open311/v2/services.json?jurisdiction_id=mora`)).status).toBe(200);
    expect((await staffCli('apikey', 'revoke', '--id', moraKeyId)).code).toBe(0);
    expect((await staffCli('apikey', 'list')).lines.join('\n')).toMatch(/revoked/);
    expect((await post({ api_key: moraKey })).status).toBe(403);
  });
});
