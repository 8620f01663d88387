import { describe, expect, it } from 'vitest';
import { decodeSmsText, encodeSms, isGsm7, planSms, splitUdh, concatFromElements, toWellFormed } from './encoding.ts';

/** Decodes every part on its own, as a handset does, and joins them. */
function reassemble(text: string, ref = 9) {
  const sms = encodeSms(text, ref);
  const parts = sms.parts.map((p) => {
    const { elements, body } = p.esmClass & 0x40 ? splitUdh(p.shortMessage) : { elements: [], body: p.shortMessage };
    return { concat: concatFromElements(elements), text: decodeSmsText(body, sms.dataCoding), bytes: p.shortMessage.length };
  });
  return { sms, parts, whole: parts.map((p) => p.text).join('') };
}

describe('SMS encoding', () => {
  it('sends 70 Chinese characters as one UCS-2 message without a header', () => {
    const text = '各'.repeat(70);
    const { sms, whole } = reassemble(text);
    expect(sms).toMatchObject({ encoding: 'ucs2', dataCoding: 8, characters: 70 });
    expect(sms.parts).toHaveLength(1);
    expect(sms.parts[0]!.esmClass).toBe(0);
    expect(sms.parts[0]!.shortMessage).toHaveLength(140);
    expect(whole).toBe(text);
  });

  it('splits 71 Chinese characters into parts of at most 67 with the concatenation header', () => {
    const text = '乡'.repeat(71);
    const { sms, parts, whole } = reassemble(text, 200);
    expect(parts.map((p) => p.text.length)).toEqual([67, 4]);
    expect(parts.map((p) => p.concat)).toEqual([
      { ref: 200, total: 2, seq: 1 },
      { ref: 200, total: 2, seq: 2 },
    ]);
    expect(sms.parts.every((p) => p.esmClass === 0x40 && p.shortMessage.subarray(0, 3).equals(Buffer.from([5, 0, 3])))).toBe(true);
    expect(parts[0]!.bytes).toBe(140);
    expect(whole).toBe(text);
  });

  it('never splits a surrogate pair across parts', () => {
    const text = `${'镇'.repeat(66)}😀${'村'.repeat(10)}`;
    const { parts, whole } = reassemble(text);
    expect(parts[0]!.text).toBe('镇'.repeat(66));
    expect(parts[1]!.text.startsWith('😀')).toBe(true);
    expect(parts.every((p) => toWellFormed(p.text) === p.text)).toBe(true);
    expect(whole).toBe(text);
  });

  it('uses GSM 7-bit for plain text: 160 in one message, 153 per part', () => {
    expect(planSms('a'.repeat(160))).toEqual({ encoding: 'gsm7', characters: 160, parts: 1 });
    const { sms, parts, whole } = reassemble('b'.repeat(161));
    expect(sms.dataCoding).toBe(0);
    expect(parts.map((p) => p.text.length)).toEqual([153, 8]);
    expect(whole).toBe('b'.repeat(161));
  });

  it('counts GSM extension characters twice and never splits one', () => {
    expect(planSms('€'.repeat(80)).parts).toBe(1);
    expect(planSms('€'.repeat(81)).parts).toBe(2);
    const text = `${'x'.repeat(152)}[]{}€`;
    const { parts, whole } = reassemble(text);
    expect(parts[0]!.text).toBe('x'.repeat(152));
    expect(whole).toBe(text);
    expect(isGsm7('Hello @ £ ¥ è')).toBe(true);
    expect(isGsm7('Hello `')).toBe(false);
  });

  it('refuses an empty or oversize text with a clear error', () => {
    expect(() => planSms('')).toThrow('the message text is empty');
    expect(() => planSms(' \n ')).toThrow('the message text is empty');
    expect(() => planSms('警'.repeat(1001))).toThrow('the message text has 1001 characters; at most 1000 are allowed');
    expect(planSms('警'.repeat(1000))).toEqual({ encoding: 'ucs2', characters: 1000, parts: 15 });
    expect(() => planSms('😀'.repeat(600))).toThrow('the message text needs 19 SMS parts; at most 16 are allowed');
  });
});
