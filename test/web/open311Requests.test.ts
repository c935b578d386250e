import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCosmosBackend } from '../../src/store/cosmos';
import { createSqliteBackend } from '../../src/store/sqlite';
import { storeOver } from '../../src/store/repositories';
import type { Store } from '../../src/store/types';
import type { FeedbackStatus, NewFeedbackItem } from '../../src/domain/feedback/types';
import { startTestApp, type TestApp } from '../helpers/app';
import { startCosmosServer } from '../helpers/cosmosServer';

interface Request311 {
  service_request_id: string;
  status: string;
  service_code: string;
  requested_datetime: string;
}

const dir = mkdtempSync(join(tmpdir(), 'fl-open311-'));
let cosmos: Awaited<ReturnType<typeof startCosmosServer>>;
beforeAll(async () => {
  cosmos = await startCosmosServer();
});
afterAll(async () => {
  await cosmos.stop();
  rmSync(dir, { recursive: true, force: true });
});

const suggestion = (i: number): NewFeedbackItem => ({
  municipality: 'mora', referencePrefix: 'MORA', kind: 'suggestion', text: `Fler företagarluncher i centrum, nummer ${i}`, masked: [], language: 'sv',
  focusArea: i % 3 === 0 ? 'mora.competence' : 'mora.networks-development', focusConfidence: 1, hasContact: false,
  submitter: { userKey: `u-${i}`, language: 'sv' }, sourceKey: `open311-${i}`,
  createdAt: new Date(Date.parse('2026-11-01T08:00:00.000Z') + i * 3_600_000).toISOString(),
});
const statusOf = (i: number): FeedbackStatus => (['new', 'received', 'in-progress', 'done', 'closed'] as const)[i % 5] ?? 'new';

/** Stores `count` items, their statuses in turn, in one batch. */
async function seed(store: Store, count: number): Promise<void> {
  await store.backend.bulk(async () => {
    for (let i = 0; i < count; i += 1) {
      const { item } = await store.feedback.create(suggestion(i));
      if (statusOf(i) !== 'new') await store.feedback.update({ ...item, status: statusOf(i) });
    }
  });
}

/** The store, except that listing a whole municipality fails: the route must not need it. */
const withoutList = (store: Store): Store => ({
  ...store,
  feedback: { ...store.feedback, list: () => Promise.reject(new Error('GET requests.json read the whole municipality')) },
});

/** Every page of a GET requests.json, following each Link rel="next". */
async function allPages(t: TestApp, query: string): Promise<{ pages: Request311[][]; links: string[] }> {
  const pages: Request311[][] = [];
  const links: string[] = [];
  let path: string | undefined = `/open311/v2/requests.json?${query}`;
  while (path && pages.length < 50) {
    const response: Response = await fetch(`${t.url}${path}`);
    expect(response.status).toBe(200);
    pages.push((await response.json()) as Request311[]);
    const link: string | null = response.headers.get('link');
    if (link) links.push(link);
    path = link ? /^<([^>]+)>; rel="next"$/.exec(link)?.[1] : undefined;
  }
  return { pages, links };
}

describe.each([
  ['sqlite', async () => storeOver(createSqliteBackend(join(dir, `${Math.random()}.sqlite`)))],
  ['cosmos (local Cosmos server)', async () => storeOver(await createCosmosBackend({ endpoint: cosmos.endpoint, key: 'local', database: `open311${Math.random().toString(36).slice(2)}` }))],
])('Open311 GET requests.json, paged and filtered by the store (%s)', (_name, makeStore) => {
  let t: TestApp;
  const count = 23;
  beforeAll(async () => {
    const store = await makeStore();
    await seed(store, count);
    t = await startTestApp({}, { store: withoutList(store) });
  });
  afterAll(async () => {
    await t.stop();
  });

  const expected = (keep: (i: number) => boolean) =>
    Array.from({ length: count }, (_, i) => i).filter(keep).reverse().map((i) => suggestion(i).createdAt);
  const closed = (i: number) => statusOf(i) === 'done' || statusOf(i) === 'closed';

  it('pages newest first with a Link to the next page, each request once, the Link keeping the filters', async () => {
    const { pages, links } = await allPages(t, 'jurisdiction_id=mora&page_size=5');
    expect(pages.map((page) => page.length)).toEqual([5, 5, 5, 5, 3]);
    expect(pages.flat().map((r) => r.requested_datetime)).toEqual(expected(() => true));
    expect(links).toHaveLength(4);
    const open = await allPages(t, 'jurisdiction_id=mora&status=open&service_code=mora.networks-development&page_size=4');
    expect(open.links.every((link) => link.includes('status=open') && link.includes('service_code=mora.networks-development'))).toBe(true);
    expect(open.pages.flat().map((r) => r.requested_datetime)).toEqual(expected((i) => !closed(i) && i % 3 !== 0));
    expect(open.pages.flat().every((r) => r.status === 'open' && r.service_code === 'mora.networks-development')).toBe(true);
  });

  it('filters by status and by requested datetime (start_date and end_date included, offsets understood)', async () => {
    const { pages } = await allPages(t, 'jurisdiction_id=mora&status=closed&page_size=3');
    expect(pages.flat().map((r) => r.requested_datetime)).toEqual(expected(closed));
    expect(pages.flat().every((r) => r.status === 'closed')).toBe(true);
    // 2026-11-01T12:00Z to 2026-11-01T20:00Z, the end given in Swedish time (+01:00).
    const period = await allPages(t, `jurisdiction_id=mora&start_date=2026-11-01T12:00:00Z&end_date=${encodeURIComponent('2026-11-01T21:00:00+01:00')}&page_size=2`);
    expect(period.pages.flat().map((r) => r.requested_datetime)).toEqual(expected((i) => i >= 4 && i <= 12));
  });

  it('refuses a start_date that is not a datetime, and a page_size over 1000, in GeoReport\'s error format', async () => {
    const bad = await fetch(`${t.url}/open311/v2/requests.json?jurisdiction_id=mora&start_date=yesterday`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Array<{ code: number }>)[0]).toMatchObject({ code: 400 });
    expect((await fetch(`${t.url}/open311/v2/requests.json?jurisdiction_id=mora&page_size=1001`)).status).toBe(400);
  });
});

describe('Open311 GET requests.json without a page size', () => {
  it('answers at most 1000 requests, newest first, and links to the rest', async () => {
    const store = storeOver(createSqliteBackend(join(dir, 'thousand.sqlite')));
    await seed(store, 1003);
    const t = await startTestApp({}, { store: withoutList(store) });
    try {
      const { pages, links } = await allPages(t, 'jurisdiction_id=mora');
      expect(pages.map((page) => page.length)).toEqual([1000, 3]);
      expect(links).toHaveLength(1);
      expect(pages[0]?.[0]?.requested_datetime).toBe(suggestion(1002).createdAt);
    } finally {
      await t.stop();
    }
  });
});
