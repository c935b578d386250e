/**
 * What staff read about an item's handling, in their language and with names, not ids: history
 * lines (who did what), routing reasons, status and action labels, focus-area and team names.
 */
import type { HistoryEntry } from '../feedback/types';
import type { Pack } from '../packs/loader';
import type { Language } from '../packs/schema';
import type { Texts } from '../texts';

export interface LabelContext {
  pack: Pack;
  texts: Texts;
  language: Language;
  /** Display names of staff ids. */
  names: Record<string, string>;
  topics: Record<string, { sv: string; en: string }>;
}

const SYSTEM_ACTORS = new Set(['system', 'tagger', 'submitter', 'open311']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function actorName(by: string, c: LabelContext): string {
  if (c.names[by]) return c.names[by];
  if (SYSTEM_ACTORS.has(by)) return c.texts.t(c.language, `staff.actor.${by}`);
  // A staff member who is no longer listed: never show the raw id.
  return UUID.test(by) || by.length > 24 ? c.texts.t(c.language, 'staff.actor.unknown') : by;
}

export function focusAreaName(id: string, c: LabelContext): string {
  return c.pack.focusAreas.find((a) => a.id === id)?.name[c.language] ?? id;
}

export function teamName(id: string, c: LabelContext): string {
  return c.pack.staff.teams.find((team) => team.id === id)?.name[c.language] ?? id;
}

export function statusLabel(status: string, c: LabelContext): string {
  const key = `feedback.status.${status}`;
  return c.texts.has(c.language, key) ? c.texts.t(c.language, key) : status;
}

export function actionLabel(action: string, c: LabelContext): string {
  const key = `staff.action.${action}`;
  return c.texts.has(c.language, key) ? c.texts.t(c.language, key) : action;
}

/** "rule 2: kind complaint, focus area x" / "default team (no rule matched)" as a sentence staff can read. */
export function routingReason(reason: string, c: LabelContext): string {
  const t = (key: string, vars?: Record<string, string>) => c.texts.t(c.language, key, vars);
  if (/^default team/.test(reason)) return t('staff.reason.default');
  const rule = /^rule (\d+): (.*)$/.exec(reason);
  if (!rule) return reason;
  const parts = (rule[2] ?? '').split(', ').map((part) => {
    const [, what, value = ''] = /^(kind|focus area|topic) (.*)$/.exec(part) ?? [];
    if (what === 'kind') return t('staff.reason.kind', { kind: c.texts.has(c.language, `feedback.kind.${value}`) ? t(`feedback.kind.${value}`).toLowerCase() : t('staff.reason.contactRequest') });
    if (what === 'focus area') return t('staff.reason.focusArea', { area: focusAreaName(value, c) });
    if (what === 'topic') return t('staff.reason.topic', { topic: c.topics[value]?.[c.language] ?? value });
    return part;
  });
  return t('staff.reason.rule', { n: rule[1] ?? '', why: parts.join(', ') });
}

/** One line of history: "2026-03-02 10:15 · Sara Lind · Ändrade status Nytt → Mottaget". */
export function historyLine(h: HistoryEntry, c: LabelContext): string {
  const value = (v: string | undefined): string | undefined => {
    if (v === undefined) return undefined;
    if (h.action === 'status') return statusLabel(v, c);
    if (h.action === 'assigned') return teamName(v, c);
    if (h.action === 'retagged') return c.pack.focusAreas.some((a) => a.id === v) ? focusAreaName(v, c) : (c.topics[v]?.[c.language] ?? v);
    return v;
  };
  const note = h.note === undefined ? undefined : h.action === 'assigned' ? routingReason(h.note, c) : h.action === 'retagged' ? c.texts.t(c.language, `staff.retagged.${h.note === 'focusArea' ? 'focusArea' : 'topic'}`) : h.note;
  const from = value(h.from);
  const to = value(h.to);
  return `${h.at.slice(0, 16).replace('T', ' ')} · ${actorName(h.by, c)} · ${actionLabel(h.action, c)}${from ? ` ${from} →` : ''}${to ? ` ${to}` : ''}${note ? ` · ${note}` : ''}`;
}

/** The verb of a triage action, for "Klart: …" banners. */
export function triageLabel(action: string, c: LabelContext): string {
  const key = `staff.triage.${action}`;
  return c.texts.has(c.language, key) ? c.texts.t(c.language, key) : action;
}

/** A focus-group statement's class ("consensus-agree", "mixed"…) in words. */
export function statementClassLabel(classification: string, texts: Texts, language: Language): string {
  const key = `focus.class.${classification}`;
  return texts.has(language, key) ? texts.t(language, key) : classification;
}
