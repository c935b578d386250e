/**
 * Crisis signals: self-harm, threats, violence, an emergency in progress. Checked before anything
 * else, so such a message is never routed as a question or stored as a suggestion.
 */
import type { CrisisConfig } from '../packs/schema';
import { fold } from '../text';

const compiled = new WeakMap<CrisisConfig, RegExp>();

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function patternFor(config: CrisisConfig): RegExp {
  let pattern = compiled.get(config);
  if (!pattern) {
    const signals = [...config.signals.sv, ...config.signals.en]
      .map((signal) => fold(signal).trim().replace(/\s+/g, ' '))
      .filter((signal) => signal.length > 0)
      .map((signal) => escape(signal).replace(/ /g, '\\s+'));
    // Whole words or phrases; a signal ending in '*' would be a stem, but we keep exact phrases.
    pattern = new RegExp(`(?:^|[^a-z0-9])(?:${signals.join('|')})(?=$|[^a-z0-9])`);
    compiled.set(config, pattern);
  }
  return pattern;
}

/** The crisis signal in a message, if any (folded, as matched). */
export function detectCrisis(text: string, config: CrisisConfig): string | undefined {
  const folded = fold(text).replace(/\s+/g, ' ');
  const match = patternFor(config).exec(folded);
  return match ? match[0].replace(/^[^a-z0-9]/, '') : undefined;
}
