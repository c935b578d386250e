import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import pino from 'pino';
import { allowConsoleError } from '../setup';
import { ask, messageActivity, startTestApp, type TestApp } from '../helpers/app';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT shaped like a Bot Framework token (RS256, a key id), signed by nobody. */
function forgedJwt(appId: string, iss = 'https://api.botframework.com'): string {
  const now = Math.floor(Date.now() / 1000);
  return `${b64({ alg: 'RS256', typ: 'JWT', kid: 'forged-key', x5t: 'forged-key' })}.${b64({ iss, aud: appId, serviceurl: 'http://127.0.0.1:9/', nbf: now - 60, exp: now + 3600 })}.${Buffer.from('not a signature').toString('base64url')}`;
}

describe('forged Bot Framework tokens while the OpenID metadata cannot be fetched', () => {
  let t: TestApp;
  const appId = randomUUID();
  const lines: Array<{ level: number; msg: string }> = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as { level: number; msg: string });
        done();
      },
    });
    t = await startTestApp({ MicrosoftAppId: appId, MicrosoftAppPassword: 'not-a-real-secret', WEBCHAT_TOKEN_SECRET: 'a-test-secret-of-at-least-32-characters' }, { logger: pino({ level: 'info' }, sink) });
  });
  afterAll(async () => {
    await t.stop();
  });

  it.each([
    ['Bot Framework issuer', () => forgedJwt(appId)],
    ['Emulator issuer', () => forgedJwt(appId, `https://sts.windows.net/${randomUUID()}/`)],
  ])('a forged RS256 token (%s) gets 401, every time, and the metadata failure is logged once', async (_name, token) => {
    allowConsoleError();
    for (let i = 0; i < 3; i += 1) {
      const replies = await ask(t.url, messageActivity('hej', { conversation: { id: `forged-${i}` } }), { authorization: `Bearer ${token()}` });
      expect(replies.status).toBe(401);
      expect(replies.body).toMatchObject({ error: { code: 'Unauthorized' } });
    }
    const metadataFailures = lines.filter((l) => /OpenID metadata/i.test(l.msg));
    expect(metadataFailures).toHaveLength(1);
  });
});
