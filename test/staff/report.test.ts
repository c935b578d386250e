import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testData } from '../helpers/app';
import { createSqliteBackend } from '../../src/store/sqlite';
import { storeOver } from '../../src/store/repositories';
import { createTexts } from '../../src/domain/texts';
import { createStaffService } from '../../src/domain/staff/service';
import { isOverdue } from '../../src/domain/staff/routing';
import { feedbackKinds, feedbackStatuses, type FeedbackItem } from '../../src/domain/feedback/types';

/** A deterministic pseudo-random generator. */
function generator(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return s / 4294967296;
  };
}

const median = (values: number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return Math.round(value * 10) / 10;
};

describe('StaffService.report: the follow-up from store aggregates', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fl-report-'));
  const store = storeOver(createSqliteBackend(join(dir, 'report.sqlite')));
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives what the rules give item by item: counts, handled, medians, overdue to the minute (also on the boundary day), supports, within the period', async () => {
    const data = testData();
    const pack = data.packs.get('mora');
    if (!pack) throw new Error('no mora pack');
    // A Friday afternoon: items created 5–15 working days ago are due today, some before this minute and some after.
    const now = new Date('2026-11-20T12:34:00.000Z');
    const staff = createStaffService({ data, texts: createTexts(data.texts), store, now: () => now, notify: async () => undefined, themeName: (theme) => `name of ${theme}` });
    const random = generator(11);
    const areas = pack.focusAreas.map((a) => a.id);
    const items: FeedbackItem[] = [];
    for (let i = 0; i < 400; i += 1) {
      // Spread over two months, at any minute, more of them near the boundary days.
      const minutesAgo = i % 3 === 0 ? Math.floor(random() * 60 * 24 * 60) : Math.floor((14 + random() * 10) * 24 * 60);
      const createdAt = new Date(now.getTime() - minutesAgo * 60_000).toISOString();
      const { item } = await store.feedback.create({
        municipality: 'mora',
        referencePrefix: pack.municipality.referencePrefix,
        kind: feedbackKinds[Math.floor(random() * feedbackKinds.length)] ?? 'suggestion',
        text: `Förslag nummer ${i} ${'om något '.repeat(Math.floor(random() * 5))}`,
        masked: [],
        language: 'sv',
        focusArea: areas[Math.floor(random() * areas.length)] ?? 'mora.competence',
        theme: random() < 0.7 ? ['parking', 'permits', 'skills'][Math.floor(random() * 3)] : undefined,
        focusConfidence: 0.8,
        hasContact: false,
        submitter: { userKey: `test:u${i}`, language: 'sv' },
        sourceKey: `report-${i}`,
        createdAt,
      });
      const status = feedbackStatuses[Math.floor(random() * feedbackStatuses.length)] ?? 'new';
      const after = (quarters: number) => new Date(Date.parse(createdAt) + quarters * 6 * 3_600_000).toISOString();
      const responded = status !== 'new' && random() < 0.8;
      const changed: FeedbackItem = {
        ...item,
        status,
        supports: Math.floor(random() * 3),
        ...(responded ? { firstResponseAt: after(1 + Math.floor(random() * 20)) } : {}),
        ...(status === 'done' || status === 'closed' ? { closedAt: after(4 + Math.floor(random() * 40)) } : {}),
      };
      items.push(status === 'new' && changed.supports === 0 ? item : await store.feedback.update(changed));
    }
    const periods: Array<{ from?: string; to?: string }> = [{}, { from: '2026-10-25', to: '2026-11-03' }];
    for (const period of periods) {
      const report = await staff.report('mora', period);
      const inPeriod = items.filter((i) => (!period.from || i.createdAt.slice(0, 10) >= period.from) && (!period.to || i.createdAt.slice(0, 10) <= period.to));
      const expected = new Map<string, FeedbackItem[]>();
      for (const item of inPeriod) expected.set(`${item.focusArea} ${item.createdAt.slice(0, 7)}`, [...(expected.get(`${item.focusArea} ${item.createdAt.slice(0, 7)}`) ?? []), item]);
      const days = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000;
      const rows = [...expected].map(([key, group]) => {
        const [focusArea = '', month = ''] = key.split(' ');
        const handled = group.filter((i) => i.status === 'done' || i.status === 'closed').length;
        return {
          focusArea,
          month,
          count: group.length,
          handled,
          handledShare: Math.round((handled / group.length) * 100) / 100,
          medianDaysToFirstResponse: median(group.flatMap((i) => (i.firstResponseAt ? [days(i.createdAt, i.firstResponseAt)] : []))),
          medianDaysToClosure: median(group.flatMap((i) => (i.closedAt ? [days(i.createdAt, i.closedAt)] : []))),
          overdue: group.filter((i) => isOverdue(pack.staff, i, now)).length,
        };
      });
      expect(report.rows).toEqual(rows.sort((a, b) => a.month.localeCompare(b.month) || a.focusArea.localeCompare(b.focusArea)));
      expect(report.totals).toEqual({
        items: inPeriod.length,
        handled: inPeriod.filter((i) => i.status === 'done' || i.status === 'closed').length,
        overdue: inPeriod.filter((i) => isOverdue(pack.staff, i, now)).length,
        supports: inPeriod.reduce((sum, i) => sum + i.supports, 0),
      });
      const themed = report.themes.find((t) => t.themes.length > 0);
      expect(themed?.themes[0]).toMatchObject({ name: { sv: expect.stringMatching(/^name of /) }, examples: expect.any(Array) });
    }
    // The boundary matters in this set: some items are due today, before and after this minute.
    const dueToday = items.filter((i) => !isOverdue(pack.staff, i, new Date(now.getTime() - 12 * 3_600_000)) && isOverdue(pack.staff, i, new Date(now.getTime() + 11 * 3_600_000)));
    expect(dueToday.filter((i) => isOverdue(pack.staff, i, now)).length).toBeGreaterThan(0);
    expect(dueToday.filter((i) => !isOverdue(pack.staff, i, now)).length).toBeGreaterThan(0);
  });

  it('pages the inbox of a member across its municipalities and refuses one it may not see', async () => {
    const data = testData();
    const staff = createStaffService({ data, texts: createTexts(data.texts), store, now: () => new Date('2026-11-20T12:34:00.000Z'), notify: async () => undefined });
    const member = { id: 's1', name: 'S', role: 'handler' as const, municipalities: ['mora'], teams: [], tokenHash: 'x', createdAt: '2026-01-01T00:00:00.000Z' };
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 100; pages += 1) {
      const page = await staff.inbox(member, { limit: 50, cursor, q: 'förslag' });
      seen.push(...page.items.map((i) => i.id));
      cursor = page.next;
      if (!cursor) break;
    }
    expect(seen).toHaveLength(400);
    expect(new Set(seen).size).toBe(400);
    await expect(staff.inbox(member, { limit: 10, municipality: 'borlange' })).rejects.toThrow(/no access/);
  });
});
