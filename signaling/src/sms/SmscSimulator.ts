import net, { type AddressInfo } from 'node:net';
import smpp, { type PDU, type Session } from 'smpp';
import { z } from 'zod';
import { EnhancedEventEmitter, OwnedTimers, getLogger, type Logger } from '../../../sfu/src/index.ts';
import { ConcatReassembler } from './ConcatReassembler.ts';
import { concatFromElements, encodeSms, toWellFormed } from './encoding.ts';
import { SMPP_STATUS, bindSchema, deliverSmRespSchema, messageText, submitSmSchema, type SubmitSm } from './smppPdu.ts';
import { readsBeforeReset } from './readsBeforeReset.ts';
import { TokenBucket } from './TokenBucket.ts';

export const smscSimulatorOptionsSchema = z.object({
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(0),
  /** system_id → password. */
  accounts: z.record(z.string(), z.string()).default({ yilian: 'yilian' }),
  /** How submit_sm_resp (and receipted_message_id) write message ids. */
  idFormat: z.enum(['hex', 'decimal']).default('hex'),
  /** How the receipt text's `id:` writes them: as in submit_sm_resp, or always decimal (a common quirk). */
  receiptTextId: z.enum(['same', 'decimal']).default('same'),
  receiptTlv: z.boolean().default(true),
  echoClientRef: z.boolean().default(true),
  responseDelayMs: z.number().int().min(0).default(0),
  /** Send delivery receipts (one per part, when the submit asks for one). */
  receipts: z.boolean().default(true),
  /** From submit_sm_resp to the receipt. */
  receiptDelayMs: z.number().int().min(0).default(50),
  /** submit_sm per second before answering ESME_RTHROTTLED; 0 never throttles. */
  throttlePerSecond: z.number().min(0).default(0),
  /** deliver_sm (receipts, inbound) awaiting deliver_sm_resp per session at most. */
  deliverWindow: z.number().int().min(1).default(50),
  /** Received messages kept for queries (counts cover all). */
  keepMessages: z.number().int().min(0).default(100_000),
  /** Destinations whose receipts say UNDELIV. */
  undeliverable: z.array(z.string()).default([]),
  /** Destinations refused at submit with ESME_RINVDSTADR. */
  refused: z.array(z.string()).default([]),
});
export type SmscSimulatorOptions = z.input<typeof smscSimulatorOptionsSchema>;
type SimulatorConfig = z.output<typeof smscSimulatorOptionsSchema>;

/** One whole message as the simulator received it (long messages reassembled). */
export interface ReceivedSms {
  /** The carrier id given to its first part. */
  id: string;
  systemId: string;
  from: string;
  to: string;
  text: string;
  parts: number;
  dataCoding: number;
  receivedAt: number;
}

export interface SmscCounts {
  binds: number;
  submitSm: number;
  throttled: number;
  refused: number;
  messages: number;
  /** Parts that decoded to a broken character on their own (a split surrogate pair). */
  brokenParts: number;
  receiptsSent: number;
  receiptsAcked: number;
  inboundAcked: number;
}

export type SmscSimulatorEvents = {
  message: [message: ReceivedSms];
};

interface SessionState {
  systemId: string | null;
  receives: boolean;
  transmits: boolean;
  outstanding: Map<number, Delivery>;
}
interface Delivery {
  systemId: string;
  fields: Record<string, unknown>;
  kind: 'receipt' | 'inbound';
  onAcked?: () => void;
}

/**
 * A local SMSC for tests, the benchmark and the demo: a real SMPP server (npm smpp, server mode)
 * on loopback. Checks bind credentials, answers submit_sm with ids (hex or decimal), reassembles
 * long messages, sends receipts after a delay (queued while no receiver is bound, resent when
 * not acknowledged), can throttle and delay answers, and can inject inbound messages. It keeps
 * what it received in memory only.
 */
export class SmscSimulator extends EnhancedEventEmitter<SmscSimulatorEvents> {
  readonly #config: SimulatorConfig;
  readonly #server: net.Server;
  readonly #logger: Logger;
  readonly #sessions = new Map<Session, SessionState>();
  readonly #pending = new Map<string, Delivery[]>();
  readonly #timers = new OwnedTimers();
  readonly #reassembler = new ConcatReassembler({ timeoutMs: 60_000 });
  readonly #throttle: TokenBucket | undefined;
  readonly #messages: ReceivedSms[] = [];
  readonly #perDestination = new Map<string, number>();
  readonly #firstPartIds = new Map<string, string>();
  readonly #counts: SmscCounts = {
    binds: 0,
    submitSm: 0,
    throttled: 0,
    refused: 0,
    messages: 0,
    brokenParts: 0,
    receiptsSent: 0,
    receiptsAcked: 0,
    inboundAcked: 0,
  };
  #nextId = 0x0a000000;
  #closed: Promise<void> | null = null;

  static async create(options: SmscSimulatorOptions = {}): Promise<SmscSimulator> {
    const config = smscSimulatorOptionsSchema.parse(options);
    const simulator = new SmscSimulator(config);
    await new Promise<void>((resolve, reject) => {
      simulator.#server.once('error', reject);
      simulator.#server.listen(config.port, config.host, () => {
        simulator.#server.off('error', reject);
        resolve();
      });
    });
    simulator.#logger.info({ port: simulator.port }, 'SMSC simulator listening');
    return simulator;
  }

  private constructor(config: SimulatorConfig) {
    super();
    this.#config = config;
    this.#logger = getLogger('SmscSimulator');
    if (config.throttlePerSecond > 0) {
      this.#throttle = new TokenBucket({ ratePerSecond: config.throttlePerSecond, burst: Math.ceil(config.throttlePerSecond / 10) });
    }
    this.#server = net.createServer((socket) => {
      socket.setNoDelay(true);
      this.#onSession(new smpp.Session({ socket: readsBeforeReset(socket) }));
    });
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  get counts(): Readonly<SmscCounts> {
    return { ...this.#counts };
  }

  /** Receipts and inbound messages not yet acknowledged by a client. */
  get pendingDeliveries(): number {
    let n = 0;
    for (const list of this.#pending.values()) n += list.length;
    for (const s of this.#sessions.values()) n += s.outstanding.size;
    return n;
  }

  /** Whole messages received for a number, oldest first. */
  messagesTo(to: string): ReceivedSms[] {
    return this.#messages.filter((m) => m.to === to);
  }

  /** How many whole messages a number received (all of them, even beyond keepMessages). */
  countTo(to: string): number {
    return this.#perDestination.get(to) ?? 0;
  }

  /** The latest whole messages, newest first. */
  recent(limit = 50): ReceivedSms[] {
    return this.#messages.slice(-limit).reverse();
  }

  /** Sends a mobile-originated message to a bound client; resolves when the client accepted it. */
  injectInbound(options: { from: string; to: string; text: string; systemId?: string }): Promise<void> {
    const systemId = options.systemId ?? Object.keys(this.#config.accounts)[0]!;
    const sms = encodeSms(options.text, Math.floor(Math.random() * 256));
    let remaining = sms.parts.length;
    return new Promise((resolve) => {
      for (const part of sms.parts) {
        const fields = {
          source_addr: options.from,
          destination_addr: options.to,
          esm_class: part.esmClass,
          data_coding: sms.dataCoding,
          short_message: part.shortMessage,
        };
        this.#enqueue({ systemId, fields, kind: 'inbound', onAcked: () => --remaining === 0 && resolve() });
      }
    });
  }

  /** Cuts every client connection, as an SMSC restart or a network fault would. */
  dropConnections(): void {
    for (const session of this.#sessions.keys()) session.destroy();
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#timers.clear();
      this.#reassembler.close();
      const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
      for (const session of this.#sessions.keys()) session.destroy();
      await closed;
      this.#pending.clear();
      this.#logger.info('SMSC simulator closed');
    })();
    return this.#closed;
  }

  #later(delayMs: number, fn: () => void): void {
    if (!this.#closed) this.#timers.after(delayMs, fn);
  }

  #onSession(session: Session): void {
    if (this.#closed) return session.destroy();
    const state: SessionState = { systemId: null, receives: false, transmits: false, outstanding: new Map() };
    this.#sessions.set(session, state);
    session.on('error', (error: Error) => {
      // Also an unreadable PDU: the smpp package stops reading that session, so drop it.
      this.#logger.debug({ err: error.message }, 'client connection error');
      session.destroy();
    });
    session.on('close', () => {
      this.#sessions.delete(session);
      if (!state.systemId) return;
      // Not acknowledged: deliver again on another (or the next) bind.
      const back = [...state.outstanding.values()];
      const queue = this.#pending.get(state.systemId) ?? [];
      this.#pending.set(state.systemId, [...back, ...queue]);
      this.#flush(state.systemId);
    });
    session.on('pdu', (pdu: PDU) => {
      if (pdu.isResponse()) return;
      if (pdu.command.startsWith('bind_')) return this.#onBind(session, state, pdu);
      if (pdu.command === 'enquire_link') return void session.send(pdu.response());
      if (pdu.command === 'unbind') {
        session.send(pdu.response());
        return session.close();
      }
      if (pdu.command === 'submit_sm') return this.#onSubmit(session, state, pdu);
      // Anything else (unknown, or a request the simulator does not serve): generic_nack, ESME_RINVCMDID.
      session.send(new smpp.PDU('generic_nack', { sequence_number: pdu.sequence_number, command_status: 0x03 }));
    });
  }

  #onBind(session: Session, state: SessionState, pdu: PDU): void {
    const bind = bindSchema.safeParse(pdu);
    if (!bind.success || this.#config.accounts[bind.data.system_id] !== bind.data.password || state.systemId) {
      session.send(pdu.response({ command_status: SMPP_STATUS.BINDFAIL }));
      return session.close();
    }
    state.systemId = bind.data.system_id;
    state.receives = bind.data.command !== 'bind_transmitter';
    state.transmits = bind.data.command !== 'bind_receiver';
    this.#counts.binds++;
    session.send(pdu.response({ system_id: 'yilian-smsc' }));
    this.#flush(state.systemId);
  }

  #onSubmit(session: Session, state: SessionState, pdu: PDU): void {
    const answer = (fields: Record<string, unknown>) => this.#later(this.#config.responseDelayMs, () => session.send(pdu.response(fields)));
    if (!state.systemId || !state.transmits) return answer({ command_status: SMPP_STATUS.INVBNDSTS });
    if (this.#throttle && !this.#throttle.take()) {
      this.#counts.throttled++;
      return answer({ command_status: SMPP_STATUS.THROTTLED });
    }
    const parsed = submitSmSchema.safeParse(pdu);
    if (!parsed.success) return answer({ command_status: SMPP_STATUS.SYSERR });
    const submit = parsed.data;
    if (this.#config.refused.includes(submit.destination_addr)) {
      this.#counts.refused++;
      return answer({ command_status: SMPP_STATUS.INVDSTADR });
    }
    this.#counts.submitSm++;
    const numericId = this.#nextId++;
    const id = this.#config.idFormat === 'hex' ? numericId.toString(16) : String(numericId);
    this.#record(state.systemId, id, submit);
    const systemId = state.systemId;
    this.#later(this.#config.responseDelayMs, () => {
      session.send(pdu.response({ message_id: id }));
      if (this.#config.receipts && submit.registered_delivery & 0x03) this.#later(this.#config.receiptDelayMs, () => this.#receipt(systemId, numericId, id, submit));
    });
  }

  #record(systemId: string, id: string, submit: SubmitSm): void {
    const { text, udh } = messageText(submit);
    const partText = toWellFormed(text);
    if (partText !== text) this.#counts.brokenParts++;
    const concat = concatFromElements(udh);
    const key = `${submit.source_addr}|${submit.destination_addr}`;
    if (concat && concat.total > 1) {
      const groupKey = `${key}|${concat.ref}|${concat.total}`;
      if (concat.seq === 1 || !this.#firstPartIds.has(groupKey)) this.#firstPartIds.set(groupKey, id);
    }
    const whole = this.#reassembler.push(key, concat, partText);
    if (whole === null) return;
    whole.done();
    let firstId = id;
    if (concat && concat.total > 1) {
      const groupKey = `${key}|${concat.ref}|${concat.total}`;
      firstId = this.#firstPartIds.get(groupKey) ?? id;
      this.#firstPartIds.delete(groupKey);
    }
    const message: ReceivedSms = {
      id: firstId,
      systemId,
      from: submit.source_addr,
      to: submit.destination_addr,
      text: whole.text,
      parts: concat?.total ?? 1,
      dataCoding: submit.data_coding ?? 0,
      receivedAt: Date.now(),
    };
    this.#counts.messages++;
    this.#perDestination.set(message.to, (this.#perDestination.get(message.to) ?? 0) + 1);
    if (this.#config.keepMessages > 0) {
      this.#messages.push(message);
      if (this.#messages.length > this.#config.keepMessages * 1.1) this.#messages.splice(0, this.#messages.length - this.#config.keepMessages);
    }
    this.safeEmit('message', message);
  }

  #receipt(systemId: string, numericId: number, id: string, submit: SubmitSm): void {
    const undeliverable = this.#config.undeliverable.includes(submit.destination_addr);
    const stat = undeliverable ? 'UNDELIV' : 'DELIVRD';
    const date = yymmddhhmm(new Date());
    const textId = this.#config.receiptTextId === 'decimal' ? String(numericId) : id;
    const { text } = messageText(submit);
    const snippet = /^[A-Za-z0-9 ]*$/.test(text.slice(0, 20)) ? text.slice(0, 20) : '';
    const body =
      `id:${textId} sub:001 dlvrd:${undeliverable ? '000' : '001'} submit date:${date} done date:${date} ` +
      `stat:${stat} err:${undeliverable ? '001' : '000'} text:${snippet}`;
    const fields: Record<string, unknown> = {
      source_addr: submit.destination_addr,
      destination_addr: submit.source_addr,
      esm_class: 0x04,
      data_coding: 0,
      short_message: Buffer.from(body, 'ascii'),
      message_state: undeliverable ? 5 : 2,
    };
    if (this.#config.receiptTlv) fields.receipted_message_id = id;
    if (this.#config.echoClientRef && submit.user_message_reference !== undefined) {
      fields.user_message_reference = submit.user_message_reference;
    }
    this.#enqueue({ systemId, fields, kind: 'receipt' });
  }

  #enqueue(delivery: Delivery): void {
    if (this.#closed) return;
    const queue = this.#pending.get(delivery.systemId) ?? [];
    queue.push(delivery);
    this.#pending.set(delivery.systemId, queue);
    this.#flush(delivery.systemId);
  }

  /** Sends queued deliver_sm to the bound receivers of systemId, within each one's window. */
  #flush(systemId: string): void {
    const queue = this.#pending.get(systemId);
    if (!queue || queue.length === 0 || this.#closed) return;
    for (const [session, state] of this.#sessions) {
      if (state.systemId !== systemId || !state.receives) continue;
      while (queue.length > 0 && state.outstanding.size < this.#config.deliverWindow) {
        const delivery = queue.shift()!;
        const pdu = new smpp.PDU('deliver_sm', delivery.fields);
        const sent = session.send(pdu, (resp: PDU) => this.#onDelivered(state, pdu.sequence_number, resp));
        if (!sent) {
          queue.unshift(delivery);
          break;
        }
        if (delivery.kind === 'receipt') this.#counts.receiptsSent++;
        state.outstanding.set(pdu.sequence_number, delivery);
      }
    }
  }

  #onDelivered(state: SessionState, seq: number, resp: PDU): void {
    const delivery = state.outstanding.get(seq);
    if (!delivery) return;
    state.outstanding.delete(seq);
    const parsed = deliverSmRespSchema.safeParse(resp);
    if (parsed.success && parsed.data.command_status === SMPP_STATUS.OK) {
      if (delivery.kind === 'receipt') this.#counts.receiptsAcked++;
      else this.#counts.inboundAcked++;
      delivery.onAcked?.();
    } else {
      // Refused for now: try again in a second, as an SMSC would.
      this.#later(1000, () => this.#enqueue(delivery));
    }
    this.#flush(delivery.systemId);
  }
}

function yymmddhhmm(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getFullYear() % 100)}${p(d.getMonth() + 1)}${p(d.getDate())}${p(d.getHours())}${p(d.getMinutes())}`;
}
