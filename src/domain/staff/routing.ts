/**
 * Which team handles an item: the pack's rules in order (first match wins), else its default team.
 */
import type { StaffSetup, WorkKind } from '../packs/schema';
import type { Assignment } from '../feedback/types';

export interface Routable {
  kind: WorkKind;
  focusArea?: string;
  topic?: string;
}

export function routeToTeam(setup: StaffSetup, item: Routable): { team: string; reason: string } {
  for (const [index, rule] of setup.rules.entries()) {
    const matches =
      (rule.kind === undefined || rule.kind === item.kind) &&
      (rule.focusArea === undefined || rule.focusArea === item.focusArea) &&
      (rule.topic === undefined || rule.topic === item.topic);
    if (matches && (rule.kind || rule.focusArea || rule.topic)) {
      const why = [rule.kind && `kind ${rule.kind}`, rule.focusArea && `focus area ${rule.focusArea}`, rule.topic && `topic ${rule.topic}`]
        .filter(Boolean)
        .join(', ');
      return { team: rule.team, reason: `rule ${index + 1}: ${why}` };
    }
  }
  return { team: setup.defaultTeam, reason: 'default team (no rule matched)' };
}

/**
 * The assignment a new item is created with: its team by the rules, why, and when the first
 * response is due. Computed before the item is written, so it is part of the one write.
 */
export function assignmentFor(setup: StaffSetup, item: Routable, createdAt: string): Assignment {
  const { team, reason } = routeToTeam(setup, item);
  return { team, reason, at: createdAt, dueAt: firstResponseDue(setup, item.kind, createdAt).toISOString() };
}

/** Easter Sunday (Gregorian), by the anonymous Gregorian algorithm. */
function easterSunday(year: number): Date {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return new Date(Date.UTC(year, month - 1, day));
}

const holidayCache = new Map<number, Set<string>>();

/**
 * Swedish days off for a municipal office: public holidays (helgdagar) and the eves that are
 * de facto days off (julafton, midsommarafton, nyårsafton), as YYYY-MM-DD.
 */
export function swedishDaysOff(year: number): Set<string> {
  let days = holidayCache.get(year);
  if (days) return days;
  const iso = (date: Date) => date.toISOString().slice(0, 10);
  const plus = (date: Date, n: number) => new Date(date.getTime() + n * 86_400_000);
  const easter = easterSunday(year);
  // Midsommarafton: the Friday between 19 and 25 June.
  let midsummerEve = new Date(Date.UTC(year, 5, 19));
  while (midsummerEve.getUTCDay() !== 5) midsummerEve = plus(midsummerEve, 1);
  days = new Set([
    `${year}-01-01`,
    `${year}-01-06`,
    iso(plus(easter, -2)), // långfredagen
    iso(plus(easter, 1)), // annandag påsk
    `${year}-05-01`,
    iso(plus(easter, 39)), // Kristi himmelsfärds dag
    `${year}-06-06`,
    iso(midsummerEve),
    `${year}-12-24`,
    `${year}-12-25`,
    `${year}-12-26`,
    `${year}-12-31`,
  ]);
  holidayCache.set(year, days);
  return days;
}

/** Adds working days: Monday–Friday that are not Swedish public holidays or eves off. */
export function addWorkingDays(from: Date, days: number): Date {
  const date = new Date(from.getTime());
  let left = days;
  while (left > 0) {
    date.setUTCDate(date.getUTCDate() + 1);
    const day = date.getUTCDay();
    if (day !== 0 && day !== 6 && !swedishDaysOff(date.getUTCFullYear()).has(date.toISOString().slice(0, 10))) left -= 1;
  }
  return date;
}

/** When the first response is due under the pack's service promise. */
export function firstResponseDue(setup: StaffSetup, kind: WorkKind, createdAt: string): Date {
  const days = setup.servicePromise[kind] ?? 10;
  return addWorkingDays(new Date(createdAt), days);
}

/** The due date an item was assigned with, else the one the pack's service promise gives now. */
export function dueDate(setup: StaffSetup, item: { kind: WorkKind; createdAt: string; assignment?: Pick<Assignment, 'dueAt'> }): Date {
  return item.assignment?.dueAt ? new Date(item.assignment.dueAt) : firstResponseDue(setup, item.kind, item.createdAt);
}

export function isOverdue(
  setup: StaffSetup,
  item: { kind: WorkKind; createdAt: string; firstResponseAt?: string; status: string; assignment?: Pick<Assignment, 'dueAt'> },
  now: Date,
): boolean {
  if (item.firstResponseAt || item.status === 'closed' || item.status === 'done') return false;
  return now.getTime() > dueDate(setup, item).getTime();
}
