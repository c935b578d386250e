import { describe, expect, it } from 'vitest';
import { telHref } from '../../dialogs/cards';

describe('answer cards', () => {
  it.each([
    ['0250-260 00', 'tel:+4625026000'],
    ['020-50 50 50', 'tel:+4620505050'],
    ['0771-567 567', 'tel:+46771567567'],
    ['+46 8 123 456', 'tel:+468123456'],
    ['0046 8 123 456', 'tel:+468123456'],
    ['112', 'tel:112'],
    ['114 14', 'tel:11414'],
    ['1177', 'tel:1177'],
  ])('calls %s with %s', (phone, href) => {
    expect(telHref(phone)).toBe(href);
  });
});
