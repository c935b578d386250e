import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { HttpChat, replyKinds, transcriptText, storedText } from '../helpers/httpChat';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.stop();
});

/** Ways to reach each prompt of each dialog (user turns from the start of a conversation). */
const PROMPTS: Record<string, string[]> = {
  'suggestion text': ['jag vill lämna ett förslag'],
  'suggestion kind': ['jag vill lämna ett förslag', 'det borde finnas fler cykelställ vid biblioteket zq'],
  'suggestion area': ['jag vill lämna ett förslag', 'det borde finnas fler cykelställ vid biblioteket zq', 'Förslag'],
  'suggestion place': ['jag vill lämna ett förslag', 'det borde finnas fler cykelställ vid biblioteket zq', 'Förslag', 'Ja, det stämmer'],
  'suggestion contact': ['jag vill lämna ett förslag', 'det borde finnas fler cykelställ vid biblioteket zq', 'Förslag', 'Ja, det stämmer', 'Hoppa över'],
  'handoff consent': ['jag vill prata med en människa'],
  'handoff name': ['jag vill prata med en människa', 'ja'],
  'handoff reach': ['jag vill prata med en människa', 'ja', 'Anna', 'Annas Bageri'],
};

const CANCEL = ['nej, jag ångrar mig', 'jag angrar mig', 'släpp det', 'slapp det', 'glöm det', 'strunta i det', 'nej förresten', 'avbryt', 'forget it', 'never mind', 'I changed my mind', 'stop'];

async function at(prompt: string): Promise<HttpChat> {
  const chat = new HttpChat(t.url);
  for (const turn of PROMPTS[prompt] ?? []) await chat.say(turn);
  return chat;
}

describe('the interruption layer at every prompt', () => {
  for (const prompt of Object.keys(PROMPTS)) {
    it.each(CANCEL)(`${prompt}: "%s" cancels and nothing is stored`, async (text) => {
      const chat = await at(prompt);
      const replies = await chat.say(text);
      expect(replyKinds(replies), transcriptText(replies)).toEqual(['cancelled']);
      expect(storedText(t.dir)).not.toMatch(new RegExp(`"text":"[^"]*cykelställ vid biblioteket zq`));
    });
  }

  it.each(Object.keys(PROMPTS))('%s: "mina förslag", "hjälp", "prata med någon" and a question are understood', async (prompt) => {
    let chat = await at(prompt);
    expect(replyKinds(await chat.say('mina förslag'))).toContain('my-suggestions');
    chat = await at(prompt);
    const help = await chat.say('hjälp');
    expect(replyKinds(help)).toContain('capabilities');
    expect(replyKinds(help).length).toBe(2);
    if (!prompt.startsWith('handoff')) {
      chat = await at(prompt);
      expect(replyKinds(await chat.say('kan jag få prata med någon på kommunen om det här?'))).toContain('handoff');
    }
    chat = await at(prompt);
    const question = prompt === 'suggestion text' ? 'hur söker jag bygglov för en altan?' : 'vad kostar ett serveringstillstånd?';
    expect(replyKinds(await chat.say(question))).toEqual(['leave-question']);
    const answered = await chat.say('ja');
    expect(replyKinds(answered).some((kind) => kind.startsWith('guide:') || kind === 'clarify')).toBe(true);
  });

  it('"nej, fortsätt" after the leave question asks the same question again', async () => {
    const chat = await at('suggestion kind');
    await chat.say('när har ni öppet?');
    const again = await chat.say('nej, fortsätt');
    expect(replyKinds(again)).toEqual(['suggestion-step']);
    expect(transcriptText(again)).toMatch(/slags inspel/);
  });

  it('"börja om" starts the dialog again from its first question', async () => {
    const chat = await at('suggestion area');
    const replies = await chat.say('börja om');
    expect(replyKinds(replies)).toEqual(['cancelled', 'suggestion-ask']);
  });

  it('a privacy question mid-dialog gives the extract', async () => {
    const chat = await at('suggestion kind');
    expect(replyKinds(await chat.say('vilka uppgifter har ni om mig?'))).toContain('privacy-info');
  });
});

describe('opening phrases start the suggestion and keep only the content', () => {
  it.each(['hej, jag har ett förslag', 'Gör Mora bättre', "I'd like to give my opinion", 'jag skulle vilja lämna en synpunkt', 'hej jag vill klaga', 'Förslag!', 'I have a complaint', 'kan jag lämna ett förslag?'])(
    '"%s" asks for the suggestion, and the next message is the suggestion',
    async (opening) => {
      const chat = new HttpChat(t.url);
      expect(replyKinds(await chat.say(opening))).toEqual(['suggestion-ask']);
      expect(replyKinds(await chat.say('fler papperskorgar längs Vasagatan zq7'))).toContain('suggestion-step');
      // The kind is asked, or said when the opening stated it ("jag vill klaga", "I have a complaint").
      expect(transcriptText(chat.last)).toMatch(/slags inspel|similar|liknande|kind|registrerar det som ett klagomål|register it as a complaint/i);
    },
  );

  it('"jag har ett förslag: …" keeps only the content', async () => {
    const chat = new HttpChat(t.url, { userId: 'opening-content' });
    const replies = await chat.say('Hej! Jag har ett förslag om att kommunen borde sätta upp fler laddstolpar vid Zorngården');
    expect(replyKinds(replies)).toContain('suggestion-step');
    for (const turn of ['Förslag', 'Ja, det stämmer', 'Hoppa över', 'Nej, jag vill vara anonym']) await chat.say(turn);
    expect(replyKinds(chat.last)).toContain('receipt');
    const [item] = await t.app.feedback.mine('mora', { channelId: 'emulator', userId: 'opening-content' });
    expect(item?.text).toBe('Kommunen borde sätta upp fler laddstolpar vid Zorngården');
  });

  it('an opening typed again at the suggestion prompt is not taken as the suggestion', async () => {
    const chat = new HttpChat(t.url);
    await chat.say('jag vill lämna ett förslag');
    expect(replyKinds(await chat.say('jag har ett förslag'))).toEqual(['suggestion-ask']);
  });
});

describe('greetings, help, small talk and off-topic questions', () => {
  it.each(['hej', 'Hejsan!', 'hallå', 'tack så mycket', 'hjälp', 'help', 'vad kan du göra?', 'hur funkar det här', 'god morgon', 'thanks!', 'vem är du?'])('"%s" gets capabilities', async (text) => {
    expect(replyKinds(await new HttpChat(t.url).say(text))).toEqual(['capabilities']);
  });
  it.each(['Vad kostar en glass på ICA?', 'Hur högt är Mount Everest?', 'vem vann melodifestivalen i år', 'what is the capital of Norway?', 'kan du skriva en dikt om våren'])(
    '"%s" gets an honest cannot-answer with the way to a person',
    async (text) => {
      const replies = await new HttpChat(t.url).say(text);
      expect(replyKinds(replies)).toEqual(['cannot-answer']);
      expect(transcriptText(replies)).toMatch(/människa|person/);
    },
  );
  it('a full sentence asking for a person starts the handoff, not a card', async () => {
    for (const text of ['Skulle jag kunna få prata med någon på kommunen om mitt bygglov?', 'kan någon ringa upp mig', 'I would like to speak to someone at the council']) {
      expect(replyKinds(await new HttpChat(t.url).say(text)), text).toContain('handoff');
    }
  });
});

describe('supporting a suggestion, and text from one user shown to another', () => {
  it('puts the supported suggestion under "mina förslag" and shows other users\' text without links or Markdown', async () => {
    const author = new HttpChat(t.url, { userId: 'author-1' });
    await author.say('jag har ett förslag');
    await author.say('Bygg en **gångbro** över älven vid [Strandvägen](http://evil.example) se www.evil.example');
    await author.say('Förslag');
    await author.choose(1); // "Ja, det stämmer", or the first of the two closest areas
    for (const turn of ['Hoppa över', 'Nej, jag vill vara anonym']) await author.say(turn);
    expect(replyKinds(author.last)).toContain('receipt');

    const supporter = new HttpChat(t.url, { userId: 'supporter-1' });
    await supporter.say('jag har ett förslag');
    const similar = await supporter.say('en gångbro över älven vid Strandvägen vore bra');
    const shown = transcriptText(similar);
    expect(shown).toMatch(/gångbro/);
    expect(shown).not.toMatch(/\*\*|\]\(|http|www\./);
    await supporter.choose(1);
    expect(replyKinds(supporter.last)).toEqual(['supported']);
    const mine = await supporter.say('mina förslag');
    expect(replyKinds(mine)).toEqual(['my-suggestions']);
    expect(transcriptText(mine)).toMatch(/stöder/);
  });

  it('the receipt promises only what happens (no e-mail is sent)', async () => {
    const chat = new HttpChat(t.url);
    await chat.say('jag har ett förslag');
    await chat.say('fler sittplatser vid busshållplatsen på Kyrkogatan');
    if (replyKinds(chat.last).includes('suggestion-step') && /liknande/.test(transcriptText(chat.last))) await chat.say('Skicka mitt eget');
    for (const turn of ['Förslag', 'Ja, det stämmer', 'Hoppa över', 'Ja, lämna kontaktuppgift', 'anna@example.se']) await chat.say(turn);
    expect(replyKinds(chat.last)).toContain('receipt');
    expect(transcriptText(chat.last)).not.toMatch(/via din kontaktuppgift/);
  });
});
