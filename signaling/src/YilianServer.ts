import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import { EnhancedEventEmitter, getLogger, Sfu, type Logger } from '../../sfu/src/index.ts';
import { Recorder, RedisRecordingStore } from '../../recorder/src/index.ts';
import { AuditLog } from './audit/AuditLog.ts';
import { AuthService } from './auth/AuthService.ts';
import type { SignalingConfig } from './config.ts';
import { seedDispatchDemo } from './dispatch/seed.ts';
import { createApp } from './http/createApp.ts';
import { createMetrics } from './http/metrics.ts';
import { MeetingManager } from './meetings/MeetingManager.ts';
import { MeetingService } from './meetings/MeetingService.ts';
import { Messaging } from './Messaging.ts';
import { MediaSigner } from './recordings/MediaSigner.ts';
import { RecordingService } from './recordings/RecordingService.ts';
import { RedisServer } from './redis/RedisServer.ts';
import { seedDemoCounty } from './seed/seed.ts';
import { SocketGateway } from './socket/SocketGateway.ts';
import { ControlStore } from './store/ControlStore.ts';
import { GroupStore } from './store/GroupStore.ts';
import { MeetingStore } from './store/MeetingStore.ts';
import { SessionStore } from './store/SessionStore.ts';
import { UserStore } from './store/UserStore.ts';
import { VenueStore } from './store/VenueStore.ts';
import { loadTls } from './tls.ts';

export type YilianServerEvents = {
  /** Something the server cannot run without died (the embedded Redis). */
  fatal: [error: Error];
};

/** Stores and services over Redis that the rest is built on. */
function createDomain(redis: Redis, config: SignalingConfig) {
  const users = new UserStore(redis);
  const venues = new VenueStore(redis);
  const meetingStore = new MeetingStore(redis);
  const groups = new GroupStore(redis);
  const audit = new AuditLog(redis);
  const auth = new AuthService({ users, sessions: new SessionStore(redis, config.sessionTtlSeconds), audit });
  const meetings = new MeetingService({ meetings: meetingStore, venues, groups, audit });
  return { users, venues, meetingStore, groups, audit, auth, meetings };
}
type Domain = ReturnType<typeof createDomain>;

/**
 * The whole application server: Redis (embedded or external), the SFU, the recorder, SMS and
 * dispatch, HTTP(S) and socket.io. close() shuts down in reverse order and awaits every child process.
 */
export class YilianServer extends EnhancedEventEmitter<YilianServerEvents> {
  readonly config: SignalingConfig;
  readonly sfu: Sfu;
  readonly redis: Redis;
  readonly manager: MeetingManager;
  readonly audit: AuditLog;
  readonly recordings: RecordingService;
  readonly messaging: Messaging;
  readonly #domain: Domain;
  readonly #redisServer: RedisServer | undefined;
  readonly #httpServer: http.Server;
  readonly #httpsServer: https.Server | undefined;
  readonly #gateway: SocketGateway;
  readonly #logger: Logger;
  #closed = false;

  static async create(config: SignalingConfig): Promise<YilianServer> {
    const logger = getLogger('YilianServer');
    const cleanups: (() => Promise<void> | void)[] = [];
    try {
      let redisServer: RedisServer | undefined;
      let redisUrl = config.redisUrl;
      if (!redisUrl) {
        const embedded = await RedisServer.create({ port: config.embeddedRedisPort, dir: path.join(config.dataDir, 'redis') });
        redisServer = embedded;
        cleanups.push(() => embedded.close());
        redisUrl = embedded.url;
      }
      const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
      redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
      await redis.connect();
      cleanups.push(() => void redis.disconnect());
      const domain = createDomain(redis, config);

      const sfu = await Sfu.create(config.sfu);
      cleanups.push(() => sfu.close());
      const recorder = await Recorder.create({ config: config.recorder, store: new RedisRecordingStore(redis) });
      cleanups.push(() => recorder.close());
      const signer = await MediaSigner.create(redis);
      const messaging = await Messaging.create({ config, redis, redisUrl, audit: domain.audit, venues: domain.venues, meetings: domain.meetings });
      cleanups.push(() => messaging.close());

      const tls = config.httpsPort > 0 ? await loadTls({ certFile: config.tlsCertFile, keyFile: config.tlsKeyFile, dataDir: config.dataDir }) : undefined;
      const server = new YilianServer({ config, redis, redisServer, domain, sfu, recorder, signer, messaging, tls });
      cleanups.length = 0;
      try {
        await server.#listen();
      } catch (error) {
        await server.close();
        throw error;
      }
      return server;
    } catch (error) {
      for (const cleanup of cleanups.reverse()) await cleanup();
      throw error;
    }
  }

  private constructor(options: {
    config: SignalingConfig;
    redis: Redis;
    redisServer: RedisServer | undefined;
    domain: Domain;
    sfu: Sfu;
    recorder: Recorder;
    signer: MediaSigner;
    messaging: Messaging;
    tls: { cert: Buffer; key: Buffer } | undefined;
  }) {
    super();
    this.config = options.config;
    this.redis = options.redis;
    this.sfu = options.sfu;
    this.messaging = options.messaging;
    this.#domain = options.domain;
    this.#redisServer = options.redisServer;
    this.#logger = getLogger('YilianServer');
    const { auth, meetings, venues, meetingStore, audit } = options.domain;
    this.audit = audit;
    this.manager = new MeetingManager({
      sfu: this.sfu,
      venues,
      controlStore: new ControlStore(this.redis),
      onEnded: (meeting) => meetings.markEnded(meeting, 'chair'),
      audit: (entry) => audit.append(entry),
    });
    this.recordings = new RecordingService({ recorder: options.recorder, manager: this.manager, meetings: meetingStore, redis: this.redis, audit });

    const app = createApp({
      auth,
      meetings,
      manager: this.manager,
      venues,
      metrics: createMetrics({ sfu: this.sfu, manager: this.manager, socketCount: () => this.#gateway.socketCount }),
      metricsToken: this.config.metricsToken,
      consoleDist: this.config.consoleDist,
      recordings: this.recordings,
      signer: options.signer,
      messaging: this.messaging,
      audit,
      health: () => this.#health(),
    });
    this.#httpServer = http.createServer(app);
    this.#httpsServer = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, app) : undefined;
    this.#gateway = new SocketGateway({
      servers: [this.#httpServer, ...(this.#httpsServer ? [this.#httpsServer] : [])],
      auth,
      manager: this.manager,
      meetings,
    });
    this.#redisServer?.once('died', (code) => this.safeEmit('fatal', new Error(`embedded redis-server died (exit ${code})`)));
  }

  get httpPort(): number {
    return (this.#httpServer.address() as AddressInfo).port;
  }

  get httpsPort(): number | undefined {
    return this.#httpsServer ? (this.#httpsServer.address() as AddressInfo).port : undefined;
  }

  async seedDemo(): Promise<{ seeded: boolean }> {
    const { users, venues, meetingStore, groups } = this.#domain;
    const result = await seedDemoCounty({ redis: this.redis, users, venues, meetings: meetingStore, groups });
    await seedDispatchDemo({ redis: this.redis, users, venues });
    return result;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#logger.info('shutting down');
    await this.#gateway.close();
    this.manager.close();
    await this.recordings.close();
    await this.messaging.close();
    this.#httpServer.closeAllConnections();
    this.#httpsServer?.closeAllConnections();
    await Promise.all([closeServer(this.#httpServer), this.#httpsServer && closeServer(this.#httpsServer)]);
    await this.sfu.close();
    this.redis.disconnect();
    await this.#redisServer?.close();
  }

  async #listen(): Promise<void> {
    await listen(this.#httpServer, this.config.httpPort, this.config.httpHost);
    if (this.#httpsServer) await listen(this.#httpsServer, this.config.httpsPort, this.config.httpsHost);
  }

  async #health(): Promise<{ ok: boolean; redis: boolean; workers: number }> {
    const redis = await this.redis.ping().then(
      (r) => r === 'PONG',
      () => false,
    );
    const workers = this.sfu.stats().workers.length;
    return { ok: redis && workers > 0, redis, workers };
  }
}

function listen(server: http.Server | https.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: http.Server | https.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
