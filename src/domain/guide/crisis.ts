/**
 * Crisis signals: self-harm, threats against staff or others, weapons, violence, an emergency in
 * progress. Checked before anything else on every text that enters the bot (and the Open311 POST),
 * so such a message is never routed as a question or stored anywhere. Exact phrases and patterns
 * come from data/shared/crisis.json; figurative wordings listed there as exclusions do not count.
 */
import type { CrisisConfig } from '../packs/schema';
import { fold } from '../text';

interface Compiled {
  signals: RegExp;
  patterns: RegExp[];
  exclusions: RegExp[];
}
const compiled = new WeakMap<CrisisConfig, Compiled>();

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Lower case, å/ä/ö folded, apostrophes and punctuation as spaces ("I'll" → "i ll"). */
function normalise(text: string): string {
  return fold(text)
    .replace(/[^a-z0-9\s-]+/g, ' ')
    // Spoken forms typed as said: "skada mej själv", "dom hotar dej".
    .replace(/\b([mds])ej\b/g, '$1ig')
    .replace(/\s+/g, ' ')
    .trim();
}

function compile(config: CrisisConfig): Compiled {
  let found = compiled.get(config);
  if (!found) {
    const signals = [...config.signals.sv, ...config.signals.en]
      .map((signal) => normalise(signal))
      .filter((signal) => signal.length > 0)
      .map((signal) => escape(signal).replace(/ /g, '\\s+'));
    found = {
      signals: new RegExp(`(?:^|[^a-z0-9])(?:${signals.join('|')})(?=$|[^a-z0-9])`),
      patterns: [...config.patterns.sv, ...config.patterns.en].map((source) => new RegExp(source)),
      exclusions: config.exclusions.map((source) => new RegExp(source, 'g')),
    };
    compiled.set(config, found);
  }
  return found;
}

/** The last text checked and its answer: a turn checks the same message twice (the bot, then the guide). */
let last: { config: CrisisConfig; text: string; found: string | undefined } | undefined;

/** The crisis signal in a message, if any (normalised, as matched). */
export function detectCrisis(text: string, config: CrisisConfig): string | undefined {
  if (last?.config === config && last.text === text) return last.found;
  const found = findCrisis(text, config);
  last = { config, text, found };
  return found;
}

function findCrisis(text: string, config: CrisisConfig): string | undefined {
  const { signals, patterns, exclusions } = compile(config);
  let normalised = normalise(text);
  for (const exclusion of exclusions) normalised = normalised.replace(exclusion, ' ');
  const match = signals.exec(normalised);
  if (match) return match[0].replace(/^[^a-z0-9]/, '');
  for (const pattern of patterns) {
    const hit = pattern.exec(normalised);
    if (hit) return hit[0];
  }
  return undefined;
}
