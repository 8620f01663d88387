import { z } from 'zod';

/**
 * What the SMS layer shows the rest of the system (REST handlers, the console): broadcast
 * requests, broadcasts with per-status counts, and per-recipient status.
 *
 * Message statuses:
 * - queued: waiting to be sent (or to be sent again after the carrier said "busy")
 * - sending: written to the carrier, its answer not yet recorded
 * - sent: the carrier took it (carrier ids recorded); waiting for the delivery receipt
 * - unknown: written, but the answer was lost (restart, timeout): never resent; waiting for a
 *   receipt matched by handset, else expired at the deadline
 * - delivered, failed, expired: final
 */
export const MESSAGE_STATUSES = ['queued', 'sending', 'sent', 'unknown', 'delivered', 'failed', 'expired'] as const;
export const messageStatusSchema = z.enum(MESSAGE_STATUSES);
export type MessageStatus = z.infer<typeof messageStatusSchema>;
export const FINAL_STATUSES: ReadonlySet<MessageStatus> = new Set(['delivered', 'failed', 'expired']);

export const broadcastKindSchema = z.enum(['meeting_notice', 'situation_report', 'emergency_command', 'task_reply', 'other']);
export type BroadcastKind = z.infer<typeof broadcastKindSchema>;

/** A broadcast request as it arrives (HTTP body, socket event); text and numbers are checked after. */
export const broadcastRequestSchema = z.object({
  text: z.string({ error: 'text must be a string' }).max(20_000, 'the message text is far too long'),
  recipients: z.array(z.string().max(64), { error: 'recipients must be a list of phone numbers' }).max(100_000),
  kind: broadcastKindSchema,
  /** What it is about: a meeting or incident id. */
  ref: z.string().max(128).optional(),
});
export type BroadcastRequest = z.infer<typeof broadcastRequestSchema>;

export const broadcastSchema = z.object({
  id: z.string(),
  kind: broadcastKindSchema,
  ref: z.string().optional(),
  text: z.string(),
  encoding: z.enum(['gsm7', 'ucs2']),
  /** SMS parts per recipient. */
  parts: z.number().int().positive(),
  recipients: z.number().int().nonnegative(),
  duplicatesRemoved: z.number().int().nonnegative(),
  createdAt: z.string(),
  counts: z.record(messageStatusSchema, z.number().int()),
  /** Every recipient has a final status. */
  done: z.boolean(),
});
export type Broadcast = z.infer<typeof broadcastSchema>;

export const recipientStatusSchema = z.object({
  messageId: z.string(),
  to: z.string(),
  status: messageStatusSchema,
  carrierIds: z.array(z.string()),
  error: z.string().optional(),
  updatedAt: z.string(),
});
export type RecipientStatus = z.infer<typeof recipientStatusSchema>;

export interface MessageStatusUpdate {
  broadcastId: string;
  messageId: string;
  to: string;
  status: MessageStatus;
}
