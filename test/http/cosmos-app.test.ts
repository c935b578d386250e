import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCosmosBackend } from '../../src/store/cosmos';
import { storeOver } from '../../src/store/repositories';
import { ask, messageActivity, startTestApp, type TestApp } from '../helpers/app';
import { startCosmosServer } from '../helpers/cosmosServer';

/** The whole bot on Cosmos DB (real @azure/cosmos client, local Cosmos server): state and feedback. */
describe('the bot with STORE=cosmos', () => {
  let cosmos: Awaited<ReturnType<typeof startCosmosServer>>;
  let t: TestApp;
  beforeAll(async () => {
    cosmos = await startCosmosServer();
    const store = storeOver(await createCosmosBackend({ endpoint: cosmos.endpoint, key: 'local', database: 'appdb' }));
    t = await startTestApp({}, { store });
  });
  afterAll(async () => {
    await t.stop();
    await cosmos.stop();
  });

  it('keeps the dialog state between turns and stores the suggestion in Cosmos DB', async () => {
    let n = 0;
    const say = async (text: string) => {
      n += 1;
      const replies = await ask(t.url, messageActivity(text, { id: `cosmos-${n}`, conversation: { id: 'cosmos-conv' }, from: { id: 'cosmos-user' } }));
      expect(replies.status).toBe(200);
      return replies.activities.map((a) => `${a.text ?? ''} ${JSON.stringify(a.attachments ?? [])}`).join('\n');
    };
    expect(await say('Jag har ett förslag: fler företagarluncher i centrum för oss småföretagare')).toContain('Förslag');
    expect(await say('Förslag')).toContain('Jag tolkar det som');
    expect(await say('Ja, det stämmer')).toContain('plats');
    expect(await say('Hoppa över')).toContain('allmän handling');
    const receipt = await say('Nej, jag vill vara anonym');
    const reference = /MORA-20\d\d-\d{6}/.exec(receipt)?.[0] ?? '';
    expect(reference).not.toBe('');
    const item = await t.app.store.feedback.getByReference('mora', reference);
    expect(item).toMatchObject({ kind: 'suggestion', focusArea: 'mora.networks-development', status: 'new' });
    expect(t.app.store.kind).toBe('cosmos');
    expect((await (await fetch(`${t.url}/healthz`)).json()) as object).toMatchObject({ store: { kind: 'cosmos', ok: true } });
  });
});
