/**
 * The staff follow-up report: per focus area and month how many items came in, how many are
 * handled, the median days to first response and to closure, how many are overdue against the
 * pack's service promise, the supports, the themes per focus area, and the questions the guide
 * could not answer. Every number comes from store-side aggregates (FollowUpQueries), never from
 * reading the items: the work is bounded by the number of groups, not of items.
 */
import type { Pack } from '../packs/loader';
import type { Language } from '../packs/schema';
import type { FeedbackKind, FeedbackStatus } from '../feedback/types';
import type { GuideEventRepository } from '../ports';
import type { ThemeCount } from '../themes/summary';
import { addWorkingDays } from './routing';

export interface FollowUpPeriod {
  /** createdAt on or after this day (YYYY-MM-DD). */
  from?: string;
  /** createdAt on or before this day (YYYY-MM-DD). */
  to?: string;
}

/** Items per focus area × month × status × theme, with their supports. */
export interface StatusCount {
  focusArea: string;
  month: string;
  status: FeedbackStatus;
  theme: string | null;
  count: number;
  supports: number;
}

/** How many items of a focus area and month took this many days (to first response, to closure). */
export interface DaysCount {
  focusArea: string;
  month: string;
  days: number;
  count: number;
}

/** Items not yet answered nor handled (those that can be overdue), per focus area, month, kind and day created. */
export interface AwaitingCount {
  focusArea: string;
  month: string;
  kind: FeedbackKind;
  /** YYYY-MM-DD of createdAt. */
  day: string;
  count: number;
}

/**
 * The store's aggregates for the report: SQLite answers them with GROUP BY over an index that
 * holds the grouped fields; Cosmos DB from a projection of those fields.
 */
export interface FollowUpQueries {
  followUpCounts(municipality: string, period: FollowUpPeriod): Promise<{ statuses: StatusCount[]; toFirstResponse: DaysCount[]; toClosure: DaysCount[]; awaiting: AwaitingCount[] }>;
  /** Awaiting items of one kind created in [from, before) (ISO times), per focus area and month: the exact count on a boundary day. */
  awaitingBetween(municipality: string, kind: FeedbackKind, from: string, before: string): Promise<Array<{ focusArea: string; month: string; count: number }>>;
  /** Up to `limit` item texts of a focus area and theme, shortest first (the report's quotes). */
  themeExamples(municipality: string, focusArea: string, theme: string, limit: number): Promise<string[]>;
}

export interface FollowUpRow {
  focusArea: string;
  month: string;
  count: number;
  handled: number;
  handledShare: number;
  medianDaysToFirstResponse: number | null;
  medianDaysToClosure: number | null;
  overdue: number;
}

export interface FollowUpReport {
  municipality: string;
  period: { from: string | null; to: string | null };
  totals: { items: number; handled: number; overdue: number; supports: number };
  rows: FollowUpRow[];
  themes: Array<{ focusArea: string; name: Record<'sv' | 'en', string>; count: number; themes: ThemeCount[] }>;
  unanswered: Array<{ text?: string; at: string; language: Language }>;
}

export interface ReportDeps {
  pack(municipality: string): Pack;
  feedback: FollowUpQueries;
  guideEvents: Pick<GuideEventRepository, 'list'>;
  /** Readable theme names. */
  themeName(theme: string, language: 'sv' | 'en'): string;
  now: () => Date;
}

const DAY_MS = 86_400_000;
const handledStatuses: ReadonlySet<string> = new Set(['done', 'closed']);
const THEMES_PER_AREA = 6;
const QUOTE_LENGTH = 140;
const quote = (text: string) => (text.length > QUOTE_LENGTH ? `${text.slice(0, QUOTE_LENGTH - 1)}…` : text);

/** The median of a histogram (value → how many), to a tenth. */
export function medianOf(histogram: ReadonlyArray<{ days: number; count: number }>): number | null {
  const sorted = [...histogram].filter((h) => h.count > 0).sort((a, b) => a.days - b.days);
  const total = sorted.reduce((sum, h) => sum + h.count, 0);
  if (total === 0) return null;
  const at = (rank: number): number => {
    let seen = 0;
    for (const h of sorted) {
      seen += h.count;
      if (rank < seen) return h.days;
    }
    return sorted.at(-1)?.days ?? 0;
  };
  const mid = Math.floor(total / 2);
  const value = total % 2 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
  return Math.round(value * 10) / 10;
}

/** Days from createdAt to a later time, as stored with an item for the report (to a hundredth). */
export const daysBetween = (from: string, to: string): number => Math.round(((new Date(to).getTime() - new Date(from).getTime()) / DAY_MS) * 100) / 100;

export function createStaffReport(deps: ReportDeps) {
  /**
   * Overdue items among the awaiting groups. An item created on day D at time t is due at
   * addWorkingDays(D, n) + t: a whole day D is overdue when its due day has passed, none of it
   * when its due day is still to come, and on a boundary day (due today) the store counts exactly
   * those created before the time of day that is now.
   */
  const overdue = async (municipality: string, pack: Pack, awaiting: readonly AwaitingCount[]): Promise<Map<string, number>> => {
    const now = deps.now();
    const todayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const sinceMidnight = now.getTime() - todayStart;
    const counts = new Map<string, number>();
    const add = (focusArea: string, month: string, n: number) => counts.set(`${focusArea}\u0000${month}`, (counts.get(`${focusArea}\u0000${month}`) ?? 0) + n);
    const boundary = new Map<string, { kind: FeedbackKind; day: string }>();
    for (const group of awaiting) {
      const dayStart = Date.parse(`${group.day}T00:00:00.000Z`);
      const due = addWorkingDays(new Date(dayStart), pack.staff.servicePromise[group.kind] ?? 10).getTime();
      if (due + DAY_MS <= now.getTime()) add(group.focusArea, group.month, group.count);
      else if (due <= now.getTime()) boundary.set(`${group.kind}\u0000${group.day}`, { kind: group.kind, day: group.day });
    }
    for (const { kind, day } of boundary.values()) {
      const from = `${day}T00:00:00.000Z`;
      const before = new Date(Date.parse(from) + sinceMidnight).toISOString();
      for (const row of await deps.feedback.awaitingBetween(municipality, kind, from, before)) add(row.focusArea, row.month, row.count);
    }
    return counts;
  };

  return {
    async report(municipality: string, period: FollowUpPeriod): Promise<FollowUpReport> {
      const pack = deps.pack(municipality);
      const counts = await deps.feedback.followUpCounts(municipality, period);
      const late = await overdue(municipality, pack, counts.awaiting);
      const groups = new Map<string, { focusArea: string; month: string; count: number; handled: number }>();
      for (const row of counts.statuses) {
        const key = `${row.focusArea}\u0000${row.month}`;
        const group = groups.get(key) ?? { focusArea: row.focusArea, month: row.month, count: 0, handled: 0 };
        group.count += row.count;
        if (handledStatuses.has(row.status)) group.handled += row.count;
        groups.set(key, group);
      }
      const ofGroup = (list: readonly DaysCount[], focusArea: string, month: string) => list.filter((d) => d.focusArea === focusArea && d.month === month);
      const rows: FollowUpRow[] = [...groups]
        .map(([key, g]) => ({
          focusArea: g.focusArea,
          month: g.month,
          count: g.count,
          handled: g.handled,
          handledShare: Math.round((g.handled / g.count) * 100) / 100,
          medianDaysToFirstResponse: medianOf(ofGroup(counts.toFirstResponse, g.focusArea, g.month)),
          medianDaysToClosure: medianOf(ofGroup(counts.toClosure, g.focusArea, g.month)),
          overdue: late.get(key) ?? 0,
        }))
        .sort((a, b) => a.month.localeCompare(b.month) || a.focusArea.localeCompare(b.focusArea));

      const themes = await Promise.all(
        pack.focusAreas.map(async (area) => {
          const ofArea = counts.statuses.filter((s) => s.focusArea === area.id);
          const byTheme = new Map<string, number>();
          for (const s of ofArea) if (s.theme) byTheme.set(s.theme, (byTheme.get(s.theme) ?? 0) + s.count);
          const top = [...byTheme].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, THEMES_PER_AREA);
          const named: ThemeCount[] = await Promise.all(
            top.map(async ([theme, count]) => ({
              theme,
              name: { sv: deps.themeName(theme, 'sv'), en: deps.themeName(theme, 'en') },
              count,
              examples: (await deps.feedback.themeExamples(municipality, area.id, theme, 2)).map(quote),
            })),
          );
          return { focusArea: area.id, name: area.name, count: ofArea.reduce((sum, s) => sum + s.count, 0), themes: named };
        }),
      );
      const unanswered = (await deps.guideEvents.list(municipality, { kind: 'unrecognised', since: period.from }))
        .filter((e) => !period.to || e.at.slice(0, 10) <= period.to)
        .slice(0, 50)
        .map((e) => ({ text: e.text, at: e.at, language: e.language }));
      return {
        municipality,
        period: { from: period.from ?? null, to: period.to ?? null },
        totals: {
          items: rows.reduce((sum, r) => sum + r.count, 0),
          handled: rows.reduce((sum, r) => sum + r.handled, 0),
          overdue: rows.reduce((sum, r) => sum + r.overdue, 0),
          supports: counts.statuses.reduce((sum, s) => sum + s.supports, 0),
        },
        rows,
        themes,
        unanswered,
      };
    },
  };
}
