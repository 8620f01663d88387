import type { Redis } from 'ioredis';
import { getLogger, type Logger } from '../../sfu/src/index.ts';
import type { AuditLog } from './audit/AuditLog.ts';
import type { SignalingConfig } from './config.ts';
import { dispatchConfigSchema } from './dispatch/config.ts';
import { DispatchService } from './dispatch/DispatchService.ts';
import { meetingStarterFrom } from './dispatch/meetingStarter.ts';
import { dispatchSmsFrom, forwardInboundSms } from './dispatch/smsAdapter.ts';
import type { MeetingService } from './meetings/MeetingService.ts';
import { SmppCarrierLink } from './sms/SmppCarrierLink.ts';
import { SmscSimulator } from './sms/SmscSimulator.ts';
import { SmsService } from './sms/SmsService.ts';
import type { VenueStore } from './store/VenueStore.ts';

/**
 * The dispatch centre's messaging: the SMS service on the carrier's SMPP link (or, by default, a
 * local SMSC simulator as the demo carrier) and the dispatch service that uses it. Closing it stops
 * taking inbound SMS, then closes dispatch (timers), the SMS service (link), then the simulator.
 */
export class Messaging {
  readonly sms: SmsService;
  readonly dispatch: DispatchService;
  /** The demo carrier, when no real SMSC is configured. */
  readonly simulator: SmscSimulator | undefined;
  readonly #unforward: () => void;
  readonly #logger: Logger;
  #closed = false;

  static async create(options: {
    config: SignalingConfig;
    redis: Redis;
    redisUrl: string;
    audit: AuditLog;
    venues: VenueStore;
    meetings: MeetingService;
  }): Promise<Messaging> {
    const { config } = options;
    const simulator = config.smppHost
      ? undefined
      : await SmscSimulator.create({ port: config.smppPort, accounts: { [config.smppSystemId]: config.smppPassword } });
    try {
      const link = await SmppCarrierLink.create({
        host: config.smppHost ?? '127.0.0.1',
        port: simulator?.port ?? config.smppPort,
        systemId: config.smppSystemId,
        password: config.smppPassword,
        sourceAddr: config.smsCentreNumber,
        window: config.smppWindow,
        maxPerSecond: config.smppMaxPerSecond,
      });
      const sms = await SmsService.create({ redisUrl: options.redisUrl, link });
      try {
        const dispatch = await DispatchService.create({
          redis: options.redis,
          audit: options.audit,
          venues: options.venues,
          sms: dispatchSmsFrom(sms),
          meetings: meetingStarterFrom(options.meetings),
          config: {
            centreNumber: config.smsCentreNumber,
            areaCode: config.areaCode,
            deadlines: { ...dispatchConfigSchema.shape.deadlines.parse(undefined), ...config.dispatchDeadlines },
          },
        });
        return new Messaging(sms, dispatch, simulator);
      } catch (error) {
        await sms.close();
        throw error;
      }
    } catch (error) {
      await simulator?.close();
      throw error;
    }
  }

  private constructor(sms: SmsService, dispatch: DispatchService, simulator: SmscSimulator | undefined) {
    this.sms = sms;
    this.dispatch = dispatch;
    this.simulator = simulator;
    this.#unforward = forwardInboundSms(sms, dispatch);
    this.#logger = getLogger('Messaging');
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#logger.info('closing messaging');
    this.#unforward();
    await this.dispatch.close();
    await this.sms.close();
    await this.simulator?.close();
  }
}
