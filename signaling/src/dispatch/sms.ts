/**
 * What the dispatch domain needs from the SMS layer. The server adapts the SMS service (durable
 * Redis outbox, SMPP link) to it; inbound messages are handed to DispatchService.handleInboundSms.
 */
export interface DispatchSmsRequest {
  /** Normalised mainland mobile numbers (11 digits), no duplicates. */
  to: string[];
  text: string;
  /** The SMS layer's broadcast kind. */
  kind: 'emergency_command' | 'meeting_notice' | 'task_reply';
  /** What the message is about, e.g. `task:<id>`, `incident:<id>`: kept with the outbox entry. */
  ref: string;
  /** Who caused it (a username, `system`, or `sms:<number>`), for the SMS layer's audit. */
  actor: string;
  source: string;
}

export interface DispatchSms {
  /** Resolves once the message is durably queued (not when delivered) with the outbox batch id. */
  send(request: DispatchSmsRequest): Promise<{ batchId: string }>;
}

/** A mobile-originated message as the SMS layer reports it. */
export interface DispatchInboundSms {
  /** The SMS layer's id of the inbound record, when it has one: a message seen twice is handled once. */
  id?: string;
  from: string;
  to: string;
  text: string;
  receivedAt: number;
}
