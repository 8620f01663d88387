import { z } from 'zod';

/**
 * SMS broadcast from the console (`/api/sms`): the request body, the recipient pickers and the
 * message templates. Shared by the server's router and the console; no server-only imports.
 */

export const TEMPLATE_IDS = ['meeting_notice', 'situation_report', 'emergency_command'] as const;
export const templateIdSchema = z.enum(TEMPLATE_IDS);
export type TemplateId = z.infer<typeof templateIdSchema>;

const field = (name: string) => z.string().trim().min(1, `${name} is required by the template`).max(200, `${name} is too long`);

/** Each template's fields; every placeholder is required. */
export const templateSchema = z.discriminatedUnion('id', [
  z.object({ id: z.literal('meeting_notice'), fields: z.object({ title: field('title'), time: field('time'), place: field('place') }) }),
  z.object({ id: z.literal('situation_report'), fields: z.object({ title: field('title'), content: field('content') }) }),
  z.object({ id: z.literal('emergency_command'), fields: z.object({ title: field('title'), content: field('content') }) }),
]);
export type SmsTemplate = z.infer<typeof templateSchema>;

/** The fields each template takes, in the order the console shows them. */
export const TEMPLATE_FIELDS: Record<TemplateId, readonly string[]> = {
  meeting_notice: ['title', 'time', 'place'],
  situation_report: ['title', 'content'],
  emergency_command: ['title', 'content'],
};

/** The texts of the templates; `{name}` is a field. The message goes out in Chinese. */
export const TEMPLATE_TEXTS: Record<TemplateId, string> = {
  meeting_notice: '【会议通知】定于{time}在{place}召开{title}，请准时参加。',
  situation_report: '【情况通报】{title}：{content}',
  emergency_command: '【应急指令】{title}：{content}。请立即执行并反馈。',
};

export function renderTemplate(template: SmsTemplate): string {
  const fields: Record<string, string> = template.fields;
  return TEMPLATE_TEXTS[template.id].replace(/\{(\w+)\}/g, (_, name: string) => fields[name] ?? '');
}

const idList = z.array(z.string().min(1).max(64).regex(/^[\w-]+$/, 'not a valid id')).max(500);

export const recipientPickSchema = z.object({
  /** Department venue ids: each department's duty liaison of today. */
  departments: idList.optional(),
  /** Saved venue group ids: the duty liaison of each department in the group. */
  groups: idList.optional(),
  /** Everyone on today's duty sheet: the leaders or the liaisons. */
  roster: z.enum(['leaders', 'liaisons']).optional(),
  /** Individual phone numbers (checked and normalised by the SMS layer). */
  numbers: z.array(z.string().max(64)).max(20_000).optional(),
});
export type RecipientPick = z.infer<typeof recipientPickSchema>;

/**
 * POST /api/sms/broadcasts. `text` is sent as written; without it, the template is rendered.
 * The kind of the broadcast is the template's, else `other`.
 */
export const smsBroadcastBodySchema = z
  .object({
    text: z.string().max(20_000, 'the message text is far too long').optional(),
    template: templateSchema.optional(),
    recipients: recipientPickSchema,
    /** What it is about: a meeting or incident id. */
    ref: z.string().max(128).optional(),
  })
  .refine((b) => b.text !== undefined || b.template !== undefined, { message: 'give the message text or a template' });
export type SmsBroadcastBody = z.infer<typeof smsBroadcastBodySchema>;

export const broadcastListQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });
export const recipientsQuerySchema = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(5_000).default(1_000),
});

/** Roles that may send: dispatchers and admins any kind; the chair meeting notices only. */
export const SMS_SENDER_ROLES = ['dispatcher', 'admin', 'chair'] as const;

// ---- length counter (the console's; the SMS layer's encoding.ts is authoritative) ----------

const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENDED = '^{}\\[~]|€\f';

export interface SmsLength {
  encoding: 'gsm7' | 'ucs2';
  /** Septets (GSM) or UTF-16 code units (UCS-2). */
  units: number;
  parts: number;
  /** Units per part at this length: 160/153 (GSM) or 70/67 (UCS-2). */
  perPart: number;
}

/** How long a text is as SMS: encoding, units and parts (an estimate for the compose counter). */
export function smsLength(text: string): SmsLength {
  let septets = 0;
  let gsm = true;
  for (const ch of text) {
    if (GSM7_BASIC.includes(ch)) septets += 1;
    else if (GSM7_EXTENDED.includes(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) {
    const perPart = septets <= 160 ? 160 : 153;
    return { encoding: 'gsm7', units: septets, parts: septets === 0 ? 0 : Math.ceil(septets / perPart), perPart };
  }
  const units = text.length;
  const perPart = units <= 70 ? 70 : 67;
  return { encoding: 'ucs2', units, parts: Math.ceil(units / perPart), perPart };
}
