import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { startCosmosServer, type LocalCosmos } from '../helpers/cosmosServer';
import { countItems, eventually, FINAL_ANSWER, MARKERS, startChannel, SUGGESTIONS, upToLastQuestion, user } from '../helpers/outage';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The same outage with Cosmos DB: the local server goes away mid-conversation and comes back. */
describe('Cosmos DB stopped and restarted mid-conversation', () => {
  let cosmos: LocalCosmos;
  let t: TestApp;
  let channel: Awaited<ReturnType<typeof startChannel>>;
  beforeAll(async () => {
    cosmos = await startCosmosServer();
    channel = await startChannel();
    // Configured as in production: STORE=cosmos, and STORE_TIMEOUT_MS bounds each request.
    t = await startTestApp({ STORE: 'cosmos', COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: 'local', COSMOS_DATABASE: 'outage', STORE_TIMEOUT_MS: '500' });
  });
  afterAll(async () => {
    await t.stop();
    await channel.stop();
    await cosmos.stop();
  });

  const health = async () => {
    const start = Date.now();
    const response = await fetch(`${t.url}/healthz`);
    const body = (await response.json()) as { status: string; store: { ok: boolean } };
    return { status: response.status, state: body.status, storeOk: body.store.ok, ms: Date.now() - start };
  };

  it('fails fast with a clear apology, and every acknowledged suggestion exists exactly once afterwards', async () => {
    const anna = user(t.url, 'cosmos-anna', channel.url);
    const erik = user(t.url, 'cosmos-erik', channel.url);
    await upToLastQuestion(anna, SUGGESTIONS[0] ?? '');
    await upToLastQuestion(erik, SUGGESTIONS[1] ?? '');

    // Cosmos DB goes away while Anna's suggestion is being written (at its reference number).
    const down = cosmos.pauseOnRequest((req) => /\/colls\/counters\//.test(req.url ?? ''));
    const started = Date.now();
    const annaFinal = await anna.say(FINAL_ANSWER);
    const annaMs = Date.now() - started;
    await down;
    // Erik finishes while it is down: his state cannot even be read.
    const erikStarted = Date.now();
    const erikFinal = await erik.say(FINAL_ANSWER);
    const erikMs = Date.now() - erikStarted;
    const during = await health();

    await cosmos.resume();
    await eventually(async () => (await health()).state === 'ok');
    const outbox = join(t.dir, 'outbox');
    await eventually(async () => {
      await t.app.flushOutbox();
      return readdirSync(outbox).filter((f) => f.endsWith('.json')).length === 0;
    });
    const annaAgain = await anna.say(FINAL_ANSWER);
    const erikAgain = await erik.say(FINAL_ANSWER);
    const { stored, doubled, perText } = await countItems(t.app.store, MARKERS.slice(0, 2));
    const acknowledged = [annaFinal, erikFinal].filter((r) => r.text.includes('registreras så snart')).length;
    console.log(
      `store outage (cosmos, server stopped and restarted): acknowledged=${acknowledged} stored=${stored} doubled=${doubled}; ` +
        `turns during the outage ${annaMs} ms and ${erikMs} ms; health during the outage ${during.ms} ms (${during.state})`,
    );

    // Anna: acknowledged (kept in the outbox), one message; the reference came in the chat when Cosmos was back.
    expect(annaFinal.text).toContain('registreras så snart');
    expect(annaFinal.text).not.toContain('gick fel');
    expect(annaFinal.count).toBe(1);
    expect(channel.received.get(anna.conversation)).toEqual([expect.stringMatching(/nu registrerat med referensnummer MORA-20\d\d-\d{6}/)]);
    expect(annaAgain.text).toMatch(/redan registrerat \(MORA-20\d\d-\d{6}\)/);
    // Erik: told clearly that nothing could be saved, then his answer again is registered.
    expect(erikFinal.text).toContain('Jag kan inte spara just nu');
    expect(erikFinal.text).not.toContain('gick fel');
    expect(erikAgain.text).toMatch(/MORA-20\d\d-\d{6}/);
    expect(during).toMatchObject({ status: 503, state: 'degraded', storeOk: false });
    expect(perText).toEqual([1, 1]);
  });

  it('answers while Cosmos DB hangs (accepts requests, answers none), and the suggestion exists once afterwards', async () => {
    const sara = user(t.url, 'cosmos-sara', channel.url);
    await upToLastQuestion(sara, SUGGESTIONS[2] ?? '');
    const hang = cosmos.hangOnRequest((req) => /\/colls\/counters\//.test(req.url ?? ''));
    const started = Date.now();
    let turnMs = 0;
    const reply = sara.say(FINAL_ANSWER).then((r) => {
      turnMs = Date.now() - started;
      return r;
    });
    const whileHung = await Promise.race([reply, sleep(4000).then(() => undefined)]);
    const during = await Promise.race([health(), sleep(2000).then(() => undefined)]);
    hang.release();
    const final = await reply;
    await eventually(async () => (await health()).state === 'ok');
    const outbox = join(t.dir, 'outbox');
    await eventually(async () => {
      await t.app.flushOutbox();
      return readdirSync(outbox).filter((f) => f.endsWith('.json')).length === 0;
    });
    const again = await sara.say(FINAL_ANSWER);
    const { perText } = await countItems(t.app.store, MARKERS.slice(2, 3));
    console.log(`store outage (cosmos, hanging): the last turn answered after ${turnMs} ms, ${whileHung ? 'while' : 'only after'} Cosmos DB hung; stored=${perText[0]}`);

    expect(whileHung?.text).toContain('registreras så snart');
    expect(final.text).not.toContain('gick fel');
    expect(final.count).toBe(1);
    expect(during).toMatchObject({ status: 503, state: 'degraded', storeOk: false });
    expect(again.text).toMatch(/redan registrerat \(MORA-20\d\d-\d{6}\)/);
    expect(perText).toEqual([1]);
  });
});
