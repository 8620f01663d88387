/** The SMS layer: broadcasts with per-recipient status over a carrier link (SMPP now). */
export { SmsService, type SmsServiceEvents, type SmsServiceOptions } from './SmsService.ts';
export { SmppCarrierLink, smppLinkOptionsSchema, type SmppLinkOptions } from './SmppCarrierLink.ts';
export { SmscSimulator, smscSimulatorOptionsSchema, type ReceivedSms, type SmscCounts, type SmscSimulatorOptions } from './SmscSimulator.ts';
export {
  CarrierError,
  type CarrierErrorKind,
  type CarrierLink,
  type CarrierLinkEvents,
  type DeliveryReceipt,
  type InboundSms,
  type OutgoingSms,
} from './CarrierLink.ts';
export {
  FINAL_STATUSES,
  MESSAGE_STATUSES,
  broadcastKindSchema,
  broadcastRequestSchema,
  broadcastSchema,
  messageStatusSchema,
  recipientStatusSchema,
  type Broadcast,
  type BroadcastKind,
  type BroadcastRequest,
  type MessageStatus,
  type MessageStatusUpdate,
  type RecipientStatus,
} from './smsProtocol.ts';
export { SMS_LIMITS, planSms, type SmsPlan } from './encoding.ts';
export { MAX_RECIPIENTS, normalizeMobile, parseRecipients } from './phone.ts';
