import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { RateLimitSettings } from './rateLimits';

/**
 * Configuration is read once, here, from an env object passed in (never from process.env
 * elsewhere). Empty strings count as unset: Bot Framework .env files carry `MicrosoftAppId=` lines.
 * Every problem is reported at once, each naming the variable and what is expected.
 */

const emptyAsUnset = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const optionalString = z.preprocess(emptyAsUnset, z.string().trim().optional());

const port = (fallback: number) =>
  z.preprocess(
    emptyAsUnset,
    z.coerce
      .number({ error: 'expected a whole number from 0 to 65535' })
      .int('expected a whole number from 0 to 65535')
      .min(0, 'expected a whole number from 0 to 65535')
      .max(65535, 'expected a whole number from 0 to 65535')
      .default(fallback),
  );

const positiveInt = (fallback: number) =>
  z.preprocess(
    emptyAsUnset,
    z.coerce
      .number({ error: 'expected a whole number of at least 1' })
      .int('expected a whole number of at least 1')
      .min(1, 'expected a whole number of at least 1')
      .default(fallback),
  );

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const appTypes = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const;

const envSchema = z
  .object({
    PORT: port(3978),
    /** Default: 127.0.0.1 with authentication off (local use), 0.0.0.0 with an app id. */
    HOST: z.preprocess(emptyAsUnset, z.string().trim().optional()),
    PUBLIC_URL: z.preprocess(
      emptyAsUnset,
      z.url({ error: 'expected an absolute http(s) URL, e.g. https://lotsen.example.se' }).optional(),
    ),
    LOG_LEVEL: z.preprocess(
      emptyAsUnset,
      z.enum(logLevels, { error: `expected one of ${logLevels.join(', ')}` }).default('info'),
    ),
    DEFAULT_MUNICIPALITY: z.preprocess(
      emptyAsUnset,
      z
        .string()
        .regex(/^[a-z][a-z0-9-]*$/, 'expected a data pack id in lower case, e.g. mora')
        .default('mora'),
    ),
    DATA_DIR: optionalString,

    MicrosoftAppId: optionalString,
    MicrosoftAppPassword: optionalString,
    MicrosoftAppType: z.preprocess(
      emptyAsUnset,
      z.enum(appTypes, { error: `expected one of ${appTypes.join(', ')}` }).default('MultiTenant'),
    ),
    MicrosoftAppTenantId: optionalString,

    STORE: z.preprocess(
      emptyAsUnset,
      z.enum(['sqlite', 'cosmos'], { error: 'expected sqlite or cosmos' }).default('sqlite'),
    ),
    SQLITE_PATH: z.preprocess(emptyAsUnset, z.string().default(path.join('var', 'foretagslotsen.sqlite'))),
    OUTBOX_DIR: z.preprocess(emptyAsUnset, z.string().default(path.join('var', 'outbox'))),
    MODEL_CACHE_DIR: z.preprocess(emptyAsUnset, z.string().default(path.join('var', 'models'))),
    COSMOS_ENDPOINT: z.preprocess(
      emptyAsUnset,
      z.url({ error: 'expected the account URL, e.g. https://myaccount.documents.azure.com:443/' }).optional(),
    ),
    COSMOS_KEY: optionalString,
    COSMOS_DATABASE: z.preprocess(emptyAsUnset, z.string().trim().default('foretagslotsen')),

    WEBCHAT_TOKEN_SECRET: z.preprocess(
      emptyAsUnset,
      z.string().min(32, 'expected at least 32 characters (a random secret)').optional(),
    ),
    DIRECT_LINE_SECRET: optionalString,
    DIRECT_LINE_DOMAIN: z.preprocess(
      emptyAsUnset,
      z
        .url({ error: 'expected a URL such as https://europe.directline.botframework.com/v3/directline' })
        .default('https://directline.botframework.com/v3/directline'),
    ),
    STAFF_TEAM_MEMBERS: z.preprocess(
      emptyAsUnset,
      z.enum(['true', 'false'], { error: 'expected true or false' }).default('true'),
    ),
    SHUTDOWN_TIMEOUT_MS: z.preprocess(
      emptyAsUnset,
      z.coerce.number({ error: 'expected milliseconds as a whole number' }).int().min(0).default(10000),
    ),
    MAX_MESSAGE_CHARS: positiveInt(2000),
    RATE_LIMIT_IP_PER_MINUTE: positiveInt(600),
    RATE_LIMIT_CONVERSATION_PER_MINUTE: positiveInt(60),
    RATE_LIMIT_STAFF_AUTH_FAILURES: positiveInt(10),
    RATE_LIMIT_STAFF_AUTH_WINDOW_SECONDS: positiveInt(900),
    TRUST_PROXY: z.preprocess(
      emptyAsUnset,
      z.enum(['true', 'false'], { error: 'expected true or false' }).default('false'),
    ),
    STORE_TIMEOUT_MS: z.preprocess(
      emptyAsUnset,
      z.coerce
        .number({ error: 'expected milliseconds as a whole number from 50 to 60000' })
        .int('expected milliseconds as a whole number from 50 to 60000')
        .min(50, 'expected milliseconds as a whole number from 50 to 60000')
        .max(60000, 'expected milliseconds as a whole number from 50 to 60000')
        .default(1000),
    ),
  });

/** Rules between variables, checked on the raw values so they are reported with every other problem. */
function crossFieldProblems(raw: Readonly<Record<string, string | undefined>>): Array<{ name: string; message: string }> {
  const get = (name: string): string | undefined => {
    const value = raw[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const problems: Array<{ name: string; message: string }> = [];
  if (get('STORE') === 'cosmos') {
    if (!get('COSMOS_ENDPOINT')) problems.push({ name: 'COSMOS_ENDPOINT', message: 'required when STORE=cosmos' });
    if (!get('COSMOS_KEY')) problems.push({ name: 'COSMOS_KEY', message: 'required when STORE=cosmos' });
  }
  const appType = get('MicrosoftAppType') ?? 'MultiTenant';
  if (get('MicrosoftAppId')) {
    if (appType !== 'UserAssignedMSI' && !get('MicrosoftAppPassword'))
      problems.push({
        name: 'MicrosoftAppPassword',
        message: 'required when MicrosoftAppId is set (unless MicrosoftAppType=UserAssignedMSI)',
      });
    if ((appType === 'SingleTenant' || appType === 'UserAssignedMSI') && !get('MicrosoftAppTenantId'))
      problems.push({ name: 'MicrosoftAppTenantId', message: `required when MicrosoftAppType=${appType}` });
    // Several instances behind Azure Bot Service must share the web chat's signing secret, and a
    // generated one is never written to the store: it has to be configured.
    if (!get('WEBCHAT_TOKEN_SECRET') && !get('DIRECT_LINE_SECRET'))
      problems.push({
        name: 'WEBCHAT_TOKEN_SECRET',
        message: 'required when MicrosoftAppId is set (32+ random characters; or set DIRECT_LINE_SECRET to use Azure Direct Line)',
      });
  } else if (get('MicrosoftAppPassword')) {
    problems.push({ name: 'MicrosoftAppId', message: 'required when MicrosoftAppPassword is set' });
  }
  return problems;
}

export type LogLevel = (typeof logLevels)[number];

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly publicUrl: string | undefined;
  readonly logLevel: LogLevel;
  readonly defaultMunicipality: string;
  /** Absolute path of the data folder (packs, texts, dialogue templates). */
  readonly dataDir: string;
  readonly bot: {
    readonly appId: string | undefined;
    readonly appPassword: string | undefined;
    readonly appType: (typeof appTypes)[number];
    readonly tenantId: string | undefined;
    /** False when MicrosoftAppId is unset: local use with the Emulator or the built-in web chat. */
    readonly authEnabled: boolean;
  };
  readonly store:
    | { readonly kind: 'sqlite'; readonly path: string }
    | { readonly kind: 'cosmos'; readonly endpoint: string; readonly key: string; readonly database: string };
  /** Where suggestions wait, on local disk, while the store is unreachable. */
  readonly outboxDir: string;
  /** Where trained classifier models are cached between starts; undefined = off (MODEL_CACHE_DIR=off). */
  readonly modelCacheDir: string | undefined;
  readonly webchat: {
    readonly tokenSecret: string | undefined;
    readonly directLineSecret: string | undefined;
    readonly directLineDomain: string;
  };
  /** Members of a Teams team whose channel staff registered may act on its cards, as handlers. */
  readonly staffTeamMembers: boolean;
  readonly shutdownTimeoutMs: number;
  readonly rateLimits: RateLimitSettings;
  /** Longest message text (chat) or Open311 description that is read; longer ones are refused. */
  readonly maxMessageChars: number;
  /**
   * How long one store operation may wait (a locked SQLite file, a slow or unreachable Cosmos DB)
   * before the store counts as unavailable: suggestions go to the outbox, /healthz says degraded.
   */
  readonly storeTimeoutMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Finds the repository root (the folder with package.json) from this file, in src/ or dist/src/. */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const parent = path.dirname(dir);
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

export function loadConfig(env: Readonly<Record<string, string | undefined>>, root: string = repoRoot()): Config {
  const parsed = envSchema.safeParse(env);
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((issue) => {
          const name = issue.path.map(String).join('.') || '(environment)';
          const got = issue.path.length === 1 ? env[String(issue.path[0])] : undefined;
          const shown = got === undefined || /KEY|PASSWORD|SECRET/i.test(name) ? '' : ` (got "${got}")`;
          return `${name}: ${issue.message}${shown}`;
        })),
    ...crossFieldProblems(env).map((p) => `${p.name}: ${p.message}`),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  const resolve = (p: string): string => (path.isAbsolute(p) ? p : path.join(root, p));
  const config: Config = {
    port: e.PORT,
    host: e.HOST ?? (e.MicrosoftAppId === undefined ? '127.0.0.1' : '0.0.0.0'),
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    logLevel: e.LOG_LEVEL,
    defaultMunicipality: e.DEFAULT_MUNICIPALITY,
    dataDir: resolve(e.DATA_DIR ?? 'data'),
    bot: {
      appId: e.MicrosoftAppId,
      appPassword: e.MicrosoftAppPassword,
      appType: e.MicrosoftAppType,
      tenantId: e.MicrosoftAppTenantId,
      authEnabled: e.MicrosoftAppId !== undefined,
    },
    store:
      e.STORE === 'cosmos'
        ? { kind: 'cosmos', endpoint: e.COSMOS_ENDPOINT ?? '', key: e.COSMOS_KEY ?? '', database: e.COSMOS_DATABASE }
        : { kind: 'sqlite', path: resolve(e.SQLITE_PATH) },
    outboxDir: resolve(e.OUTBOX_DIR),
    modelCacheDir: e.MODEL_CACHE_DIR === 'off' ? undefined : resolve(e.MODEL_CACHE_DIR),
    webchat: {
      tokenSecret: e.WEBCHAT_TOKEN_SECRET,
      directLineSecret: e.DIRECT_LINE_SECRET,
      directLineDomain: e.DIRECT_LINE_DOMAIN.replace(/\/+$/, ''),
    },
    staffTeamMembers: e.STAFF_TEAM_MEMBERS === 'true',
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    maxMessageChars: e.MAX_MESSAGE_CHARS,
    rateLimits: {
      ipPerMinute: e.RATE_LIMIT_IP_PER_MINUTE,
      conversationPerMinute: e.RATE_LIMIT_CONVERSATION_PER_MINUTE,
      staffAuthFailures: e.RATE_LIMIT_STAFF_AUTH_FAILURES,
      staffAuthWindowSeconds: e.RATE_LIMIT_STAFF_AUTH_WINDOW_SECONDS,
      trustProxy: e.TRUST_PROXY === 'true',
    },
    storeTimeoutMs: e.STORE_TIMEOUT_MS,
  };
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * Reads a .env file (KEY=VALUE lines, # comments, optional quotes) if it exists. The process
 * environment wins over the file: `loadConfig({ ...readDotEnv(file), ...process.env })`.
 */
export function readDotEnv(file: string): Record<string, string> {
  if (!fs.existsSync(file)) return {};
  const values: Record<string, string> = {};
  for (const raw of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim();
    if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) {
      value = value.slice(1, -1);
    }
    values[key] = value;
  }
  return values;
}
