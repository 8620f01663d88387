import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import { Redis } from 'ioredis';
import { configureLogging } from '../../../sfu/src/index.ts';
import { AuditLog } from '../audit/AuditLog.ts';
import { AuthService } from '../auth/AuthService.ts';
import { toErrorBody } from '../errors.ts';
import { MeetingService } from '../meetings/MeetingService.ts';
import { RedisServer } from '../redis/RedisServer.ts';
import { seedDemoCounty } from '../seed/seed.ts';
import { DEMO_PASSWORD } from '../seed/demoCounty.ts';
import { SmsService } from '../sms/SmsService.ts';
import type { SmscSimulator } from '../sms/SmscSimulator.ts';
import { connectLink, freePort, startSimulator } from '../sms/testKit.ts';
import { GroupStore } from '../store/GroupStore.ts';
import { MeetingStore } from '../store/MeetingStore.ts';
import { SessionStore } from '../store/SessionStore.ts';
import { UserStore } from '../store/UserStore.ts';
import { VenueStore } from '../store/VenueStore.ts';
import type { DispatchConfigInput } from './config.ts';
import { DispatchService } from './DispatchService.ts';
import { meetingStarterFrom } from './meetingStarter.ts';
import { createDispatchRouter } from './router.ts';
import { seedDispatchDemo } from './seed.ts';
import { dispatchSmsFrom, forwardInboundSms } from './smsAdapter.ts';

/**
 * Test harness of the dispatch domain: the real redis-server, the demo county seeded, the real
 * SMS service over SMPP to the SMSC simulator, the real MeetingService, and the dispatch REST
 * router behind the same error mapping as the app (and, for browser tests, a console bundle
 * served from `staticDir`). `restart()` closes and re-creates the
 * DispatchService on the same Redis, as a server restart would.
 */
export interface DispatchHarness {
  redis: Redis;
  audit: AuditLog;
  dispatch: DispatchService;
  sms: SmsService;
  simulator: SmscSimulator;
  meetings: MeetingStore;
  baseUrl: string;
  /** The number SMS are sent from and replies go to (the centre's number). */
  centreNumber: string;
  restart(config?: DispatchConfigInput): Promise<DispatchService>;
  login(username: string): Promise<string>;
  close(): Promise<void>;
}

export const CENTRE_NUMBER = '12110';

export async function startDispatchHarness(config: DispatchConfigInput = {}, options: { staticDir?: string } = {}): Promise<DispatchHarness> {
  configureLogging({ level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'error' });
  const cleanups: (() => Promise<void> | void)[] = [];
  try {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'yilian-dispatch-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const redisServer = await RedisServer.create({ port: await freePort(), dir });
    cleanups.push(() => redisServer.close());
    const redis = new Redis(redisServer.url);
    cleanups.push(() => void redis.disconnect());

    const users = new UserStore(redis);
    const venues = new VenueStore(redis);
    const meetings = new MeetingStore(redis);
    const groups = new GroupStore(redis);
    const audit = new AuditLog(redis);
    await seedDemoCounty({ redis, users, venues, meetings, groups });
    await seedDispatchDemo({ redis, users, venues });
    const auth = new AuthService({ users, sessions: new SessionStore(redis, 3600), audit });
    const meetingService = new MeetingService({ meetings, venues, groups, audit });

    const simulator = await startSimulator({ receiptDelayMs: 10 });
    cleanups.push(() => simulator.close());
    const sms = await SmsService.create({ redisUrl: redisServer.url, link: await connectLink(simulator, { sourceAddr: CENTRE_NUMBER }) });
    cleanups.push(() => sms.close());

    const full = { centreNumber: CENTRE_NUMBER, ...config };
    const make = (c: DispatchConfigInput) =>
      DispatchService.create({ redis, audit, venues, sms: dispatchSmsFrom(sms), meetings: meetingStarterFrom(meetingService), config: c });
    let dispatch = await make(full);
    let unforward = forwardInboundSms(sms, dispatch);
    cleanups.push(async () => {
      unforward();
      await dispatch.close();
    });

    const app = express();
    app.set('trust proxy', 'loopback');
    app.use(express.json({ limit: '64kb' }));
    app.post('/api/login', async (req: Request, res: Response) => {
      res.json(await auth.login(String(req.body.username), String(req.body.password), req.ip ?? 'unknown'));
    });
    app.use('/api/dispatch', createDispatchRouter({ dispatch: proxyTo(() => dispatch), authenticate: (t) => auth.authenticate(t) }));
    if (options.staticDir) app.use(express.static(options.staticDir, { index: false }));
    app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
      const parseFailure = error instanceof SyntaxError && 'status' in error;
      const { status, body } = parseFailure ? { status: 400, body: { code: 'bad_request', message: 'request body is not valid JSON' } } : toErrorBody(error);
      res.status(status).json(body);
    });
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    return {
      redis,
      audit,
      get dispatch() {
        return dispatch;
      },
      sms,
      simulator,
      meetings,
      baseUrl,
      centreNumber: CENTRE_NUMBER,
      async restart(next = full) {
        unforward();
        await dispatch.close();
        dispatch = await make({ centreNumber: CENTRE_NUMBER, ...next });
        unforward = forwardInboundSms(sms, dispatch);
        return dispatch;
      },
      async login(username) {
        return (await auth.login(username, DEMO_PASSWORD, 'test')).token;
      },
      async close() {
        for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
      },
    };
  } catch (error) {
    for (const cleanup of cleanups.reverse()) await cleanup();
    throw error;
  }
}

/** The router keeps calling whichever DispatchService is current (it changes on restart()). */
function proxyTo(current: () => DispatchService): DispatchService {
  return new Proxy({} as DispatchService, {
    get: (_target, prop) => {
      const service = current();
      const value = Reflect.get(service, prop, service) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(service) : value;
    },
  });
}
