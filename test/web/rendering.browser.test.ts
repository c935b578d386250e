import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { TurnContext, type Activity } from 'botbuilder';
import { notifier } from '../../src/bot/messenger';
import type { ConversationAddress } from '../../src/domain/ports';
import { chromiumAvailable, launchChromium, screenshotDir } from '../helpers/browser';
import { startTestApp, type TestApp } from '../helpers/app';

/**
 * How the web chat page shows answers, in real Chromium at a desktop and a phone width: the whole
 * welcome title, the view at the start of a long answer, one title, steps numbered 1, 2, 3 with the
 * rest behind "Visa alla steg", whole fact labels, tel: links, the answer's links before "Hjälpte
 * det här?", the language switch, status pushes rendered at once, and compressed static assets.
 *
 * One app and one browser for the file; per width one chat whose tests run in order (the scroll
 * check needs the answer that was just asked).
 */

const WIDTHS = [1280, 360] as const;
const SCENARIO_TITLE = 'Öppna restaurang eller café – din checklista i rätt ordning:';

interface Chat {
  context: BrowserContext;
  page: Page;
  warnings: string[];
  errors: string[];
}

/** Records when each WebSocket frame reaches the page (for push-to-render times). */
const RECORD_FRAMES = `(() => {
  const frames = [];
  Object.defineProperty(window, '__frames', { value: frames });
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => frames.push({ at: performance.now(), data: String(event.data) }));
    }
  };
})();`;

describe.skipIf(!chromiumAvailable)('the web chat page', () => {
  let t: TestApp;
  let browser: Browser;
  const shots = join(screenshotDir(), 'screenshots');

  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  async function openChat(width: number, query = ''): Promise<Chat> {
    const context = await browser.newContext({ locale: 'sv-SE', viewport: { width, height: 800 } });
    await context.addInitScript(RECORD_FRAMES);
    const page = await context.newPage();
    const warnings: string[] = [];
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'warning') warnings.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${t.url}/?municipality=mora${query}`);
    await page.waitForSelector('[data-ready="true"]');
    await page.locator('.ac-adaptiveCard').first().waitFor({ timeout: 15_000 });
    return { context, page, warnings, errors };
  }

  const lastCard = (page: Page) => page.locator('.ac-adaptiveCard').last();

  async function ask(page: Page, text: string): Promise<void> {
    const cards = await page.locator('.ac-adaptiveCard').count();
    const input = page.locator('[data-id="webchat-sendbox-input"]');
    await input.fill(text);
    await input.press('Enter');
    await page.locator('.ac-adaptiveCard').nth(cards).waitFor({ timeout: 15_000 });
    await lastCard(page).getByText('Hjälpte det här?').waitFor();
    // Web Chat scrolls in animation frames after the card is in the DOM.
    await page.waitForTimeout(700);
  }

  /** The visible step numbers of the last card (the number column of each step). */
  const stepNumbers = (page: Page): Promise<string[]> =>
    lastCard(page).evaluate((card) =>
      Array.from(card.querySelectorAll('.ac-columnSet'))
        .map((row) => row.querySelector('.ac-container .ac-textBlock'))
        .filter((cell): cell is HTMLElement => cell instanceof HTMLElement && cell.offsetParent !== null)
        .map((cell) => cell.textContent?.trim() ?? '')
        .filter((text) => /^\d+\.?$/.test(text)),
    );

  const conversationIdOf = (page: Page): Promise<string> =>
    page.evaluate(() => (window as unknown as { foretagslotsen: { conversationId: string } }).foretagslotsen.conversationId);

  describe.each(WIDTHS)('at %i px', (width) => {
    let chat: Chat;
    beforeAll(async () => {
      chat = await openChat(width);
    });
    afterAll(async () => {
      expect(chat.errors).toEqual([]);
      await chat.context.close();
    });

    it('shows the whole welcome title and whole button labels', async () => {
      const { page } = chat;
      await page.getByText('Välkommen till Företagslotsen för Mora kommun!', { exact: true }).waitFor();
      const cut = await page.evaluate(() =>
        Array.from(document.querySelectorAll('.ac-adaptiveCard .ac-textBlock, .ac-adaptiveCard .ac-pushButton > div'))
          .filter((el) => el instanceof HTMLElement && el.scrollWidth > el.clientWidth + 1)
          .map((el) => el.textContent),
      );
      expect(cut).toEqual([]);
      await page.screenshot({ path: join(shots, `welcome-${width}.png`) });
    });

    it('opens a long answer at its start, not at its end', async () => {
      const { page } = chat;
      await ask(page, 'ska öppna pizzeria, vad behöver jag?');
      const position = await page.evaluate(() => {
        const scroller = document.querySelector('.webchat__basic-transcript__scrollable');
        const cards = document.querySelectorAll('.ac-adaptiveCard');
        const last = cards[cards.length - 1];
        if (!scroller || !last) throw new Error('no transcript or card');
        const view = scroller.getBoundingClientRect();
        const box = last.getBoundingClientRect();
        return { viewTop: view.top, viewHeight: view.height, cardTop: box.top, cardHeight: box.height };
      });
      expect(position.cardHeight, 'the answer is taller than the view (else this check says nothing)').toBeGreaterThan(position.viewHeight);
      expect(position.cardTop).toBeGreaterThanOrEqual(position.viewTop - 20);
      expect(position.cardTop).toBeLessThan(position.viewTop + 60);
      await page.screenshot({ path: join(shots, `scenario-start-${width}.png`) });
    });

    it('shows the answer\'s title once', async () => {
      const text = (await chat.page.locator('.webchat__basic-transcript__transcript').innerText()).replace(/\s+/g, ' ');
      expect(text.split(SCENARIO_TITLE).length - 1).toBe(1);
    });

    it('numbers the steps 1, 2, 3 and shows the others with "Visa alla steg", still in order', async () => {
      const { page } = chat;
      expect(await stepNumbers(page)).toEqual(['1', '2', '3']);
      const card = lastCard(page);
      await card.getByRole('button', { name: /Visa alla steg/ }).click();
      const all = await stepNumbers(page);
      expect(all.length).toBeGreaterThan(3);
      expect(all).toEqual(all.map((_, i) => String(i + 1)));
      await card.getByRole('button', { name: 'Visa färre steg' }).click();
      expect(await stepNumbers(page)).toEqual(['1', '2', '3']);
      await card.getByRole('button', { name: /Visa alla steg/ }).click();
      await page.screenshot({ path: join(shots, `scenario-all-steps-${width}.png`), fullPage: true });
    });

    it('keeps every fact label whole (no word split over two lines)', async () => {
      const { page } = chat;
      await ask(page, 'hur får jag serveringstillstånd?');
      const labels = await lastCard(page).evaluate((root) => {
        const wanted = ['Handläggningstid', 'Avgift', 'Regler', 'Telefon', 'Webbplats'];
        const found: Array<{ label: string; brokenWords: string[] }> = [];
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const text = node.textContent ?? '';
          const label = wanted.find((w) => text.trim().replace(/:$/, '') === w);
          if (!label) continue;
          const brokenWords: string[] = [];
          const words = /\S+/g;
          for (let m = words.exec(text); m; m = words.exec(text)) {
            const range = document.createRange();
            range.setStart(node, m.index);
            range.setEnd(node, m.index + m[0].length);
            const lines = new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top)));
            if (lines.size > 1) brokenWords.push(m[0]);
          }
          found.push({ label, brokenWords });
        }
        return found;
      });
      expect(labels.map((l) => l.label).sort()).toEqual(['Avgift', 'Handläggningstid', 'Regler', 'Telefon', 'Webbplats']);
      expect(labels.filter((l) => l.brokenWords.length > 0)).toEqual([]);
      await lastCard(page).getByText('Telefon').first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(shots, `answer-contact-${width}.png`) });
    });

    it('links phone numbers for a tap to call (tel:)', async () => {
      const phone = lastCard(chat.page).locator('a[href^="tel:"]').first();
      expect(await phone.getAttribute('href')).toBe('tel:+4625026000');
      expect((await phone.innerText()).replace(/\u00a0/g, ' ').replace(/\u2011/g, '-')).toBe('0250-260 00');
      // No number is split over two lines.
      const split = await chat.page.locator('.webchat__basic-transcript__transcript a[href^="tel:"]').evaluateAll((links) =>
        links
          .filter((a) => new Set(Array.from(a.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top))).size > 1)
          .map((a) => a.textContent),
      );
      expect(split).toEqual([]);
    });

    it('puts the answer\'s links and actions before "Hjälpte det här?", then yes and no', async () => {
      const { page } = chat;
      const order = await lastCard(page).evaluate((root) => {
        const byText = (text: string): Element => {
          const all = Array.from(root.querySelectorAll('button, .ac-textBlock')).filter((el) => (el.textContent ?? '').trim().startsWith(text));
          const el = all[all.length - 1];
          if (!el) throw new Error(`no "${text}" in the card`);
          return el;
        };
        const names = ['Folkhälsomyndigheten', 'Prata med en människa', 'Hjälpte det här?', 'Ja', 'Nej'];
        const elements = names.map(byText);
        return names.slice(1).map((name, i) => ({
          pair: `${names[i]} → ${name}`,
          inOrder: Boolean(elements[i]!.compareDocumentPosition(elements[i + 1]!) & Node.DOCUMENT_POSITION_FOLLOWING),
        }));
      });
      expect(order.filter((o) => !o.inOrder)).toEqual([]);
      await lastCard(page).getByRole('button', { name: 'Nej', exact: true }).scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(shots, `answer-links-${width}.png`) });
    });

    it('renders a status push at once (no wait for a reply it never gets)', async () => {
      const { page, warnings } = chat;
      const conversationId = await conversationIdOf(page);
      // The address the app keeps for a submitter: the reference of their message.
      const rows = await t.app.store.backend.collection('transcripts').query(conversationId);
      const mine = rows.map((row) => row.doc.activity as Activity).filter((a) => a.from?.role === 'user');
      const address = JSON.parse(JSON.stringify(TurnContext.getConversationReference(mine.at(-1)!))) as ConversationAddress;
      const text = `Ditt ärende har fått status Pågår (${width}).`;
      // Watch the transcript before the push is sent.
      await page.evaluate((wanted) => {
        const transcript = document.querySelector('.webchat__basic-transcript__transcript') ?? document.body;
        const done = new Promise<number>((resolve) => {
          const observer = new MutationObserver(() => {
            if ((transcript.textContent ?? '').includes(wanted)) {
              observer.disconnect();
              resolve(performance.now());
            }
          });
          observer.observe(transcript, { childList: true, subtree: true, characterData: true });
        });
        Object.defineProperty(window, '__rendered', { value: done, configurable: true });
      }, text);
      await notifier(t.app.messenger)(address, text);
      const renderedAt = await page.evaluate(() => (window as unknown as { __rendered: Promise<number> }).__rendered);
      const pushedAt = await page.evaluate(
        (wanted) => (window as unknown as { __frames: Array<{ at: number; data: string }> }).__frames.find((f) => f.data.includes(wanted))?.at,
        text,
      );
      expect(pushedAt).toBeDefined();
      console.log(`push-to-render at ${width} px: ${Math.round(renderedAt - pushedAt!)} ms`);
      // Web Chat holds an activity whose replyToId it has not seen for 5 s, warning when it gives up.
      expect(warnings.filter((w) => w.includes('Timed out while waiting for activity'))).toEqual([]);
      await page.getByText(text, { exact: true }).last().scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(shots, `status-push-${width}.png`) });
    });

    it('links the crisis numbers for a tap to call as well', async () => {
      const { page } = chat;
      const input = page.locator('[data-id="webchat-sendbox-input"]');
      await input.fill('någon hotar mig utanför butiken just nu');
      await input.press('Enter');
      const emergency = page.locator('a[href="tel:112"]').last();
      await emergency.waitFor({ timeout: 15_000 });
      expect(await emergency.innerText()).toBe('112');
      const hrefs = await page.locator('.webchat__basic-transcript__transcript a[href^="tel:"]').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
      expect(hrefs.filter((href) => href === 'tel:112').length).toBeGreaterThan(0);
      expect(hrefs.some((href) => /^tel:\+?\d{4,}$/.test(href ?? '') && href !== 'tel:+4625026000'), 'a help line besides 112 and the switchboard').toBe(true);
      await emergency.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(shots, `crisis-${width}.png`) });
    });

    it('switches the page, Web Chat and the welcome between Swedish and English, and tells the bot', async () => {
      const { page } = await openChat(width, '&lang=en');
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      await page.getByText('Welcome to Företagslotsen for Mora kommun!', { exact: true }).waitFor();
      expect(await page.locator('#new-conversation').innerText()).toBe('New conversation');
      expect(await page.locator('main#webchat').getAttribute('aria-label')).toBe('Chat with Företagslotsen');
      expect(await page.locator('[data-id="webchat-sendbox-input"]').getAttribute('placeholder')).toBe('Type your message');
      const toSwedish = page.locator('a[data-language="sv"]');
      expect(await toSwedish.innerText()).toBe('Svenska');
      expect(await toSwedish.getAttribute('lang')).toBe('sv');
      await page.screenshot({ path: join(shots, `language-en-${width}.png`) });
      const english = await conversationIdOf(page);

      // Nothing written yet: the switch starts over, so the welcome too is in Swedish.
      await toSwedish.click();
      await page.waitForSelector('[data-ready="true"]');
      expect(await page.locator('html').getAttribute('lang')).toBe('sv');
      await page.getByText('Välkommen till Företagslotsen för Mora kommun!', { exact: true }).waitFor();
      expect(await page.locator('#new-conversation').innerText()).toBe('Ny konversation');
      expect(await page.locator('[data-id="webchat-sendbox-input"]').getAttribute('placeholder')).toBe('Skriv ditt meddelande');
      expect(await page.getByText('Welcome to Företagslotsen', { exact: false }).count()).toBe(0);
      const swedish = await conversationIdOf(page);
      expect(swedish).not.toBe(english);

      // Once the user has written, the switch keeps the conversation and the bot answers in the new language.
      await page.getByRole('button', { name: 'Mina förslag' }).first().click();
      await page.getByText('Du har inte lämnat några förslag här ännu.', { exact: false }).first().waitFor({ timeout: 10_000 });
      await page.locator('a[data-language="en"]').click();
      await page.waitForSelector('[data-ready="true"]');
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      expect(await conversationIdOf(page)).toBe(swedish);
      await page.getByText('Du har inte lämnat några förslag här ännu.', { exact: false }).first().waitFor();
      // The page told the bot: the conversation's language is English before anything else is sent.
      await expect
        .poll(async () => {
          const key = `webchat-local/conversations/${swedish}/`;
          const state = (await t.app.store.kv.read([key]))[key] as { session?: { language?: string } } | undefined;
          return state?.session?.language;
        })
        .toBe('en');
      await page.getByRole('button', { name: 'Mina förslag' }).first().click();
      await page.getByText('You have not left any suggestions here yet.', { exact: false }).first().waitFor({ timeout: 10_000 });
      await page.screenshot({ path: join(shots, `language-switched-${width}.png`) });
      await page.context().close();
    });
  });

  describe('static assets', () => {
    // The HTTP details (encodings, ETag, 304) are in static.test.ts.
    it('reaches Chromium compressed', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const response = page.waitForResponse((r) => r.url().endsWith('/webchat/webchat.js'));
      await page.goto(`${t.url}/?municipality=mora`);
      const headers = (await response).headers();
      expect(['br', 'gzip']).toContain(headers['content-encoding']);
      expect(headers.etag).toBeDefined();
      await context.close();
    });
  });
});
