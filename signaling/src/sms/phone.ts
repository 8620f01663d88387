import { badRequest } from '../errors.ts';

/**
 * Mainland China mobile numbers: 11 digits starting with 1 and a second digit 3-9
 * (13800138000). Accepted with a +86 / 86 / 0086 country prefix and with spaces, hyphens, dots
 * or brackets between digit groups; normalised to the bare 11 digits.
 */
const MOBILE = /^1[3-9]\d{9}$/;
const SEPARATORS = /[\s\-.()（）\u00a0]/g;

/** Recipients in one broadcast. */
export const MAX_RECIPIENTS = 20_000;

/** The normalised 11-digit number, or null when the input is not a mainland mobile number. */
export function normalizeMobile(input: string): string | null {
  let s = input.normalize('NFKC').replace(SEPARATORS, '');
  if (s.startsWith('+86')) s = s.slice(3);
  else if (s.startsWith('0086')) s = s.slice(4);
  else if (s.startsWith('86') && s.length === 13) s = s.slice(2);
  return MOBILE.test(s) ? s : null;
}

/**
 * Normalises an address an SMSC reports (a receipt's or an inbound message's source): mainland
 * mobile numbers become 11 digits; anything else (short codes, landlines) is kept as digits.
 */
export function normalizeAddress(input: string): string {
  return normalizeMobile(input) ?? input.replace(SEPARATORS, '');
}

export interface RecipientList {
  /** Normalised, in the order given, duplicates removed. */
  numbers: string[];
  /** How many entries were the same number as an earlier one. */
  duplicates: number;
}

/**
 * Validates a broadcast's recipient list. Any invalid entry rejects the whole list with a 400
 * error naming the entries (by position, counting from 1), so nothing is sent by halves.
 */
export function parseRecipients(inputs: readonly string[]): RecipientList {
  if (inputs.length === 0) throw badRequest('the recipient list is empty');
  if (inputs.length > MAX_RECIPIENTS) {
    throw badRequest(`the recipient list has ${inputs.length} entries; at most ${MAX_RECIPIENTS} are allowed per broadcast`);
  }
  const seen = new Set<string>();
  const numbers: string[] = [];
  const invalid: string[] = [];
  let invalidCount = 0;
  inputs.forEach((raw, i) => {
    const n = normalizeMobile(raw);
    if (n === null) {
      invalidCount++;
      if (invalid.length < 5) invalid.push(`#${i + 1} "${raw.slice(0, 32)}"`);
      return;
    }
    if (!seen.has(n)) {
      seen.add(n);
      numbers.push(n);
    }
  });
  if (invalidCount > 0) {
    const more = invalidCount > invalid.length ? ` and ${invalidCount - invalid.length} more` : '';
    throw badRequest(
      `${invalidCount === 1 ? '1 recipient is' : `${invalidCount} recipients are`} not a mainland mobile number: ` +
        `${invalid.join(', ')}${more} (expected 11 digits starting with 13-19, e.g. 13800138000, optionally with +86)`,
    );
  }
  return { numbers, duplicates: inputs.length - numbers.length };
}
