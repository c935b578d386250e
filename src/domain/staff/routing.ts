/**
 * Which team handles an item: the pack's rules in order (first match wins), else its default team.
 */
import type { StaffSetup, WorkKind } from '../packs/schema';

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

/** Adds working days (Monday–Friday). Public holidays are not counted out. */
export function addWorkingDays(from: Date, days: number): Date {
  const date = new Date(from.getTime());
  let left = days;
  while (left > 0) {
    date.setUTCDate(date.getUTCDate() + 1);
    const day = date.getUTCDay();
    if (day !== 0 && day !== 6) left -= 1;
  }
  return date;
}

/** When the first response is due under the pack's service promise. */
export function firstResponseDue(setup: StaffSetup, kind: WorkKind, createdAt: string): Date {
  const days = setup.servicePromise[kind] ?? 10;
  return addWorkingDays(new Date(createdAt), days);
}

export function isOverdue(
  setup: StaffSetup,
  item: { kind: WorkKind; createdAt: string; firstResponseAt?: string; status: string },
  now: Date,
): boolean {
  if (item.firstResponseAt || item.status === 'closed' || item.status === 'done') return false;
  return now.getTime() > firstResponseDue(setup, item.kind, item.createdAt).getTime();
}
