import { describe, expect, it } from 'vitest';
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { ConfigError, loadConfig, readDotEnv } from '../src/config';

const root = '/srv/lotsen';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, root);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('runs with no configuration at all: port 3978, SQLite under var/, auth off, mora', () => {
    const config = loadConfig({}, root);
    expect(config.port).toBe(3978);
    expect(config.store).toEqual({ kind: 'sqlite', path: path.join(root, 'var', 'foretagslotsen.sqlite') });
    expect(config.bot.authEnabled).toBe(false);
    expect(config.defaultMunicipality).toBe('mora');
    expect(config.dataDir).toBe(path.join(root, 'data'));
    expect(Object.isFrozen(config.store)).toBe(true);
    expect(config.storeTimeoutMs).toBe(1000);
  });

  it('treats empty strings as unset, as Bot Framework .env files have them', () => {
    const config = loadConfig({ MicrosoftAppId: '', MicrosoftAppPassword: '', PORT: '', STORE: '' }, root);
    expect(config.bot.authEnabled).toBe(false);
    expect(config.port).toBe(3978);
    expect(config.store.kind).toBe('sqlite');
  });

  it('reads every setting', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        STORE: 'cosmos',
        COSMOS_ENDPOINT: 'https://acct.documents.azure.com:443/',
        COSMOS_KEY: 'k',
        MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
        MicrosoftAppPassword: 'secret',
        MicrosoftAppType: 'SingleTenant',
        MicrosoftAppTenantId: 'tenant',
        WEBCHAT_TOKEN_SECRET: 'a-test-secret-of-at-least-32-characters',
        DEFAULT_MUNICIPALITY: 'borlange',
        LOG_LEVEL: 'debug',
        STORE_TIMEOUT_MS: '250',
      },
      root,
    );
    expect(config.port).toBe(8080);
    expect(config.storeTimeoutMs).toBe(250);
    expect(config.store).toEqual({
      kind: 'cosmos',
      endpoint: 'https://acct.documents.azure.com:443/',
      key: 'k',
      database: 'foretagslotsen',
    });
    expect(config.bot).toMatchObject({ authEnabled: true, appType: 'SingleTenant', tenantId: 'tenant' });
    expect(config.defaultMunicipality).toBe('borlange');
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT: expected a whole number from 0 to 65535 (got "abc")'],
    [{ PORT: '70000' }, 'PORT: expected a whole number from 0 to 65535 (got "70000")'],
    [{ STORE: 'mongo' }, 'STORE: expected sqlite or cosmos (got "mongo")'],
    [{ STORE: 'cosmos' }, 'COSMOS_ENDPOINT: required when STORE=cosmos'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent (got "loud")'],
    [{ MicrosoftAppId: 'abc' }, 'MicrosoftAppPassword: required when MicrosoftAppId is set (unless MicrosoftAppType=UserAssignedMSI)'],
    [{ MicrosoftAppPassword: 'pw' }, 'MicrosoftAppId: required when MicrosoftAppPassword is set'],
    [{ MicrosoftAppType: 'Single' }, 'MicrosoftAppType: expected one of MultiTenant, SingleTenant, UserAssignedMSI (got "Single")'],
    [{ DEFAULT_MUNICIPALITY: 'Mora Kommun' }, 'DEFAULT_MUNICIPALITY: expected a data pack id in lower case, e.g. mora (got "Mora Kommun")'],
    [{ PUBLIC_URL: 'lotsen' }, 'PUBLIC_URL: expected an absolute http(s) URL, e.g. https://lotsen.example.se (got "lotsen")'],
    [{ WEBCHAT_TOKEN_SECRET: 'short' }, 'WEBCHAT_TOKEN_SECRET: expected at least 32 characters (a random secret)'],
    [{ STORE_TIMEOUT_MS: '5' }, 'STORE_TIMEOUT_MS: expected milliseconds as a whole number from 50 to 60000 (got "5")'],
  ])('names the variable and what is expected: %j', (env, problem) => {
    expect(problemsOf(env)).toContain(problem);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({ PORT: '-1', STORE: 'cosmos', LOG_LEVEL: 'x' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['COSMOS_ENDPOINT', 'COSMOS_KEY', 'LOG_LEVEL', 'PORT']);
  });

  it('never echoes secrets in errors', () => {
    const problems = problemsOf({ MicrosoftAppPassword: 'hunter2-very-secret' });
    expect(problems.join('\n')).not.toContain('hunter2');
  });
});

describe('readDotEnv', () => {
  it('reads KEY=VALUE lines, skips comments and strips quotes; a missing file is empty', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dotenv-'));
    const file = path.join(dir, '.env');
    fs.writeFileSync(file, '# comment\nPORT=4000\nMicrosoftAppId=\nPUBLIC_URL="https://x.se"\n\nbad line\n');
    expect(readDotEnv(file)).toEqual({ PORT: '4000', MicrosoftAppId: '', PUBLIC_URL: 'https://x.se' });
    expect(readDotEnv(path.join(dir, 'missing'))).toEqual({});
  });
});
