import { z } from 'zod';

/** SMPP command_status values we act on. */
export const SMPP_STATUS = {
  OK: 0x0000,
  INVMSGLEN: 0x0001,
  INVBNDSTS: 0x0004,
  SYSERR: 0x0008,
  INVDSTADR: 0x000b,
  BINDFAIL: 0x000d,
  MSGQFUL: 0x0014,
  THROTTLED: 0x0058,
  X_T_APPN: 0x0064,
} as const;

/** Statuses after which the same PDU may be sent again later: the SMSC did not take it. */
export const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([SMPP_STATUS.SYSERR, SMPP_STATUS.MSGQFUL, SMPP_STATUS.THROTTLED]);

export const ESM_CLASS_TYPE_MASK = 0x3c;
export const ESM_CLASS_RECEIPT = 0x04;

/** short_message / message_payload after the smpp package's decoding filter. */
const decodedMessage = z.union([
  z.instanceof(Buffer),
  z.object({
    message: z.union([z.string(), z.instanceof(Buffer)]),
    udh: z.array(z.instanceof(Buffer)).optional(),
  }),
]);
export type DecodedMessage = z.infer<typeof decodedMessage>;

export const bindSchema = z.object({
  command: z.enum(['bind_transceiver', 'bind_transmitter', 'bind_receiver']),
  system_id: z.string().max(16),
  password: z.string().max(9),
});

export const submitSmSchema = z.object({
  source_addr: z.string().max(21),
  destination_addr: z.string().min(1).max(21),
  esm_class: z.number().int(),
  registered_delivery: z.number().int(),
  data_coding: z.number().int().nullable(),
  short_message: decodedMessage,
  message_payload: decodedMessage.optional(),
  user_message_reference: z.number().int().optional(),
});
export type SubmitSm = z.infer<typeof submitSmSchema>;

export const submitSmRespSchema = z.object({
  command_status: z.number().int(),
  message_id: z.string().max(65).optional(),
});

export const deliverSmSchema = z.object({
  source_addr: z.string().max(21),
  destination_addr: z.string().max(21),
  esm_class: z.number().int(),
  data_coding: z.number().int().nullable(),
  short_message: decodedMessage,
  message_payload: decodedMessage.optional(),
  receipted_message_id: z.string().max(65).optional(),
  message_state: z.number().int().optional(),
  user_message_reference: z.number().int().optional(),
});
export type DeliverSm = z.infer<typeof deliverSmSchema>;

export const deliverSmRespSchema = z.object({ command_status: z.number().int() });

/** The text and UDH elements of a decoded short_message (or message_payload when that is set). */
export function messageText(pdu: { short_message: DecodedMessage; message_payload?: DecodedMessage | undefined }): {
  text: string;
  udh: Buffer[];
} {
  const pick = (m: DecodedMessage | undefined) => {
    if (m === undefined) return null;
    if (Buffer.isBuffer(m)) return m.length > 0 ? { text: m.toString('latin1'), udh: [] } : null;
    const text = typeof m.message === 'string' ? m.message : m.message.toString('latin1');
    return { text, udh: m.udh ?? [] };
  };
  return pick(pdu.message_payload) ?? pick(pdu.short_message) ?? { text: '', udh: [] };
}

// ---- delivery receipts ----------------------------------------------------------------------

/** Where a receipt leaves a message: final (delivered, expired, failed) or still on its way. */
export type ReceiptOutcome = 'delivered' | 'expired' | 'failed' | 'pending';

const STAT_OUTCOME: Record<string, ReceiptOutcome> = {
  DELIVRD: 'delivered',
  EXPIRED: 'expired',
  DELETED: 'failed',
  UNDELIV: 'failed',
  REJECTD: 'failed',
  UNKNOWN: 'failed',
  ACCEPTD: 'pending',
  ENROUTE: 'pending',
  SCHEDULED: 'pending',
};
/** SMPP message_state TLV values → stat words. */
const STATE_STAT: Record<number, string> = {
  0: 'SCHEDULED',
  1: 'ENROUTE',
  2: 'DELIVRD',
  3: 'EXPIRED',
  4: 'DELETED',
  5: 'UNDELIV',
  6: 'ACCEPTD',
  7: 'UNKNOWN',
  8: 'REJECTD',
};

export function statOutcome(stat: string): ReceiptOutcome {
  return STAT_OUTCOME[stat.toUpperCase()] ?? 'pending';
}

export function statFromState(state: number): string | undefined {
  return STATE_STAT[state];
}

export interface ReceiptText {
  id: string;
  stat: string;
  err: string;
  sub?: string;
  dlvrd?: string;
  submitDate?: string;
  doneDate?: string;
  text?: string;
}

/**
 * Parses the receipt text of SMPP 3.4 appendix B:
 * `id:… sub:… dlvrd:… submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DELIVRD err:000 text:…`.
 * Keys are matched case-insensitively and in any order; returns null without id or stat.
 */
export function parseReceiptText(text: string): ReceiptText | null {
  const field = (key: string) => new RegExp(`(?:^|\\s)${key}:(\\S*)`, 'i').exec(text)?.[1];
  const id = field('id');
  const stat = field('stat');
  if (!id || !stat) return null;
  const textMatch = /(?:^|\s)text:(.*)$/is.exec(text);
  return {
    id,
    stat: stat.toUpperCase(),
    err: field('err') ?? '000',
    sub: field('sub'),
    dlvrd: field('dlvrd'),
    submitDate: field('submit date'),
    doneDate: field('done date'),
    text: textMatch?.[1],
  };
}

/** How an SMSC writes message ids: in submit_sm_resp and receipted_message_id, or in receipt text. */
export type MessageIdFormat = 'auto' | 'hex' | 'decimal' | 'string';
export const messageIdFormatSchema = z.enum(['auto', 'hex', 'decimal', 'string']);

/**
 * One canonical form for a carrier message id, so an id given as hex in submit_sm_resp matches
 * the same id given in decimal in a receipt's text. Numeric ids become decimal without leading
 * zeros; `auto` reads digits-only as decimal and anything with a-f as hex; other ids are kept
 * (lower case).
 */
export function normalizeMessageId(raw: string, format: MessageIdFormat): string {
  const s = raw.trim().toLowerCase();
  const asDecimal = /^\d+$/.test(s);
  const asHex = /^(0x)?[0-9a-f]+$/.test(s);
  if ((format === 'decimal' || format === 'auto') && asDecimal) return BigInt(s).toString(10);
  if ((format === 'hex' || format === 'auto') && asHex) return BigInt(s.startsWith('0x') ? s : `0x${s}`).toString(10);
  return s;
}
