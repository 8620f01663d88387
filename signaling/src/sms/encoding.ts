import { badRequest } from '../errors.ts';

/**
 * SMS text encoding and splitting.
 *
 * - GSM 03.38 7-bit (data_coding 0, sent unpacked: one septet per octet, as SMPP carries it):
 *   160 septets in one message, 153 per part of a long message. Extension characters
 *   (`^{}\[~]|€` and form feed) take two septets and are never split across parts.
 * - Anything else (Chinese) goes as UCS-2 (data_coding 8, UTF-16BE): 70 code units in one
 *   message, 67 per part. A surrogate pair is never split across parts, since each part is
 *   decoded on its own by many handsets.
 * - Parts of a long message carry the 6-byte concatenation UDH `05 00 03 ref total seq` and
 *   esm_class 0x40.
 */

export type SmsEncoding = 'gsm7' | 'ucs2';

export const DATA_CODING = { gsm7: 0x00, ucs2: 0x08 } as const;
export const ESM_CLASS_UDHI = 0x40;

export const SMS_LIMITS = {
  /** Characters (Unicode code points) in one broadcast text. */
  maxCharacters: 1000,
  /** Parts of one long message; 1,000 Chinese characters need 15. */
  maxParts: 16,
} as const;

const SINGLE = { gsm7: 160, ucs2: 70 } as const;
const PER_PART = { gsm7: 153, ucs2: 67 } as const;

// GSM 03.38 default alphabet, index = septet value (0x1B is the escape to the extension table).
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1BÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION: ReadonlyArray<[string, number]> = [
  ['\f', 0x0a],
  ['^', 0x14],
  ['{', 0x28],
  ['}', 0x29],
  ['\\', 0x2f],
  ['[', 0x3c],
  ['~', 0x3d],
  [']', 0x3e],
  ['|', 0x40],
  ['€', 0x65],
];

const gsmEncode = new Map<string, number[]>();
const gsmDecode = new Map<number, string>();
const gsmDecodeExt = new Map<number, string>();
for (let i = 0; i < GSM_BASIC.length; i++) {
  const ch = GSM_BASIC[i]!;
  if (i !== 0x1b) gsmEncode.set(ch, [i]);
  gsmDecode.set(i, ch);
}
for (const [ch, code] of GSM_EXTENSION) {
  gsmEncode.set(ch, [0x1b, code]);
  gsmDecodeExt.set(code, ch);
}

export interface SmsPart {
  /** The short_message octets: UDH (for a long message) followed by the encoded text. */
  shortMessage: Buffer;
  esmClass: number;
  /** The text carried by this part. */
  text: string;
}

export interface EncodedSms {
  encoding: SmsEncoding;
  dataCoding: number;
  /** Unicode code points in the text. */
  characters: number;
  parts: SmsPart[];
}

export interface SmsPlan {
  encoding: SmsEncoding;
  characters: number;
  parts: number;
}

/** True when every character exists in the GSM 7-bit alphabet (basic or extension table). */
export function isGsm7(text: string): boolean {
  for (const ch of text) if (!gsmEncode.has(ch)) return false;
  return true;
}

/** Encoded units, one per code point, each an indivisible run of septets or UTF-16 code units. */
interface Unit {
  ch: string;
  bytes: number[] | Buffer;
  size: number;
}

function units(text: string): { encoding: SmsEncoding; list: Unit[] } {
  if (isGsm7(text)) {
    return { encoding: 'gsm7', list: [...text].map((ch) => ({ ch, bytes: gsmEncode.get(ch)!, size: gsmEncode.get(ch)!.length })) };
  }
  return {
    encoding: 'ucs2',
    list: [...text].map((ch) => ({ ch, bytes: Buffer.from(ch, 'utf16le').swap16(), size: ch.length })),
  };
}

function chunk(list: Unit[], encoding: SmsEncoding): Unit[][] {
  const total = list.reduce((sum, u) => sum + u.size, 0);
  if (total <= SINGLE[encoding]) return [list];
  const chunks: Unit[][] = [];
  let current: Unit[] = [];
  let size = 0;
  for (const unit of list) {
    if (size + unit.size > PER_PART[encoding]) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(unit);
    size += unit.size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Checks a broadcast text against the limits; throws a 400 error an operator can act on. */
export function planSms(text: string): SmsPlan {
  if (text.trim().length === 0) throw badRequest('the message text is empty');
  const { encoding, list } = units(text);
  if (list.length > SMS_LIMITS.maxCharacters) {
    throw badRequest(`the message text has ${list.length} characters; at most ${SMS_LIMITS.maxCharacters} are allowed`);
  }
  const parts = chunk(list, encoding).length;
  if (parts > SMS_LIMITS.maxParts) {
    throw badRequest(`the message text needs ${parts} SMS parts; at most ${SMS_LIMITS.maxParts} are allowed`);
  }
  return { encoding, characters: list.length, parts };
}

/**
 * Encodes and splits a text. `ref` is the concatenation reference (0-255) shared by the parts of
 * one long message; it should differ between long messages in flight to the same handset.
 */
export function encodeSms(text: string, ref: number): EncodedSms {
  planSms(text);
  const { encoding, list } = units(text);
  const chunks = chunk(list, encoding);
  const total = chunks.length;
  const parts = chunks.map((c, i): SmsPart => {
    const body = Buffer.concat(c.map((u) => Buffer.from(u.bytes)));
    const partText = c.map((u) => u.ch).join('');
    if (total === 1) return { shortMessage: body, esmClass: 0, text: partText };
    const udh = Buffer.from([0x05, 0x00, 0x03, ref & 0xff, total, i + 1]);
    return { shortMessage: Buffer.concat([udh, body]), esmClass: ESM_CLASS_UDHI, text: partText };
  });
  return { encoding, dataCoding: DATA_CODING[encoding], characters: list.length, parts };
}

/** Decodes unpacked GSM 7-bit septets (unknown values become spaces, as handsets show them). */
export function decodeGsm7(bytes: Buffer): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x1b && i + 1 < bytes.length) {
      out += gsmDecodeExt.get(bytes[++i]!) ?? ' ';
    } else {
      out += gsmDecode.get(b) ?? ' ';
    }
  }
  return out;
}

/** Decodes one short_message payload (without its UDH) for data_coding 0/1 (GSM) or 8 (UCS-2). */
export function decodeSmsText(payload: Buffer, dataCoding: number): string {
  if ((dataCoding & 0x0f) === DATA_CODING.ucs2) return Buffer.from(payload).swap16().toString('utf16le');
  if ((dataCoding & 0x0f) === 0x03) return payload.toString('latin1');
  return decodeGsm7(payload);
}

export interface ConcatInfo {
  ref: number;
  total: number;
  seq: number;
}

/** The concatenation element among a UDH's information elements (each `iei len data…`). */
export function concatFromElements(elements: readonly Buffer[]): ConcatInfo | null {
  for (const ie of elements) {
    const iei = ie[0];
    const len = ie[1];
    if (iei === 0x00 && len === 3 && ie.length >= 5) return { ref: ie[2]!, total: ie[3]!, seq: ie[4]! };
    if (iei === 0x08 && len === 4 && ie.length >= 6) return { ref: ie.readUInt16BE(2), total: ie[4]!, seq: ie[5]! };
  }
  return null;
}

/** Splits a raw short_message into its UDH information elements and its body. */
export function splitUdh(shortMessage: Buffer): { elements: Buffer[]; body: Buffer } {
  const udhLength = shortMessage[0];
  if (udhLength === undefined || udhLength + 1 > shortMessage.length) return { elements: [], body: shortMessage };
  const elements: Buffer[] = [];
  let i = 1;
  while (i + 1 < udhLength + 1) {
    const len = shortMessage[i + 1]!;
    elements.push(shortMessage.subarray(i, i + 2 + len));
    i += 2 + len;
  }
  return { elements, body: shortMessage.subarray(udhLength + 1) };
}

/** Replaces unpaired surrogates with U+FFFD, as a handset decoding one part on its own shows them. */
export function toWellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
