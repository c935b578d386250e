import { describe, expect, it } from 'vitest';
import { reachIn } from '../../src/domain/guide/contactRequest';

describe('reachIn: the address a contact answer gives', () => {
  it.each([
    ['ola@olasmek.se', 'ola@olasmek.se'],
    ['mejla mej: ola@olasmek.se', 'ola@olasmek.se'],
    ['skicka till anna.berg@firma.com tack', 'anna.berg@firma.com'],
    ['ring 070-123 45 67 efter fem', '070-123 45 67'],
    ['+46 70 123 45 67', '+46 70 123 45 67'],
    ['you can email me at john@example.org', 'john@example.org'],
  ])('%s → %s', (text, reach) => {
    expect(reachIn(text)).toBe(reach);
  });

  it.each(['nej tack', 'mejla mej', 'ola@olasmek', 'vi är 3 anställda', 'ola@a.se eller 070-123 45 67', 'ring 112'])('%s gives none', (text) => {
    expect(reachIn(text)).toBeUndefined();
  });
});
