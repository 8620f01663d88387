import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { normalizeAddress, normalizeMobile, parseRecipients } from './phone.ts';

describe('phone numbers', () => {
  it('normalises mainland mobile numbers given with a country prefix or separators', () => {
    for (const input of ['13800138000', '+8613800138000', '8613800138000', '008613800138000', '+86 138 0013 8000', '138-0013-8000', '１３８００１３８０００']) {
      expect(normalizeMobile(input)).toBe('13800138000');
    }
  });

  it('rejects numbers that are not mainland mobiles', () => {
    for (const input of ['', '12345', '1380013800', '138001380001', '12800138000', '010-88886666', '+1 415 555 0100', '1380013800a', '86138001380']) {
      expect(normalizeMobile(input)).toBeNull();
    }
  });

  it('keeps non-mobile SMSC addresses as digits', () => {
    expect(normalizeAddress('8613912345678')).toBe('13912345678');
    expect(normalizeAddress('106900001234')).toBe('106900001234');
  });

  it('dedupes a recipient list and names the invalid entries by position', () => {
    expect(parseRecipients(['13800138000', '+86 13800138000', '13900139000'])).toEqual({ numbers: ['13800138000', '13900139000'], duplicates: 1 });
    const error = (() => {
      try {
        parseRecipients(['13800138000', 'abc', ...Array.from({ length: 6 }, (_, i) => `1${i}`)]);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(400);
    expect((error as AppError).message).toBe(
      '7 recipients are not a mainland mobile number: #2 "abc", #3 "10", #4 "11", #5 "12", #6 "13" and 2 more (expected 11 digits starting with 13-19, e.g. 13800138000, optionally with +86)',
    );
    expect(() => parseRecipients([])).toThrow('the recipient list is empty');
  });
});
