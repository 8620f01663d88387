/**
 * `npm run audit:verify`: walks the hash-chained audit log and says whether it is intact.
 *
 * Reads the log from REDIS_URL or, when that is unset, from the embedded Redis of the data folder
 * (DATA_DIR, port EMBEDDED_REDIS_PORT): the running server's Redis if it answers, otherwise a
 * redis-server started on the folder for the check and stopped afterwards.
 *
 * Exit status: 0 the chain is intact, 1 it is broken (the output says where), 2 it could not be
 * checked.
 */
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { configureLogging } from '../../../sfu/src/index.ts';
import { readSignalingConfig, type SignalingOnlyConfig } from '../config.ts';
import { RedisServer } from '../redis/RedisServer.ts';
import { AuditLog } from './AuditLog.ts';

function connect(url: string): Redis {
  const redis = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 3000 });
  // Connection errors surface through connect() and each command's rejection; without a listener
  // ioredis would also print them as unhandled 'error' events.
  redis.on('error', () => undefined);
  return redis;
}

/** A connected client to the Redis at `url`, or why there is none (nothing listens, refused…). */
async function tryConnect(url: string): Promise<{ redis: Redis } | { error: string }> {
  const redis = connect(url);
  try {
    await redis.connect();
    await redis.ping();
    return { redis };
  } catch (error) {
    // After a refused connection the client has already ended; disconnect() would then hold the
    // process for ioredis's 2 s disconnect timeout.
    if (redis.status !== 'end') redis.disconnect();
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** Runs `check` against the configured Redis, starting the embedded one only if it is not running. */
async function withAuditRedis<T>(config: SignalingOnlyConfig, check: (redis: Redis) => Promise<T>): Promise<T> {
  if (config.redisUrl) {
    const connected = await tryConnect(config.redisUrl);
    if ('error' in connected) throw new Error(`Redis at REDIS_URL does not answer (${connected.error})`);
    try {
      return await check(connected.redis);
    } finally {
      connected.redis.disconnect();
    }
  }

  const dir = path.join(config.dataDir, 'redis');
  if (!existsSync(dir)) throw new Error(`no embedded Redis data in ${dir} (is DATA_DIR right?)`);
  const url = `redis://127.0.0.1:${config.embeddedRedisPort}`;
  const running = await tryConnect(url);
  if ('redis' in running) {
    try {
      const reply: unknown = await running.redis.config('GET', 'dir');
      const servedDir = Array.isArray(reply) ? String(reply[1]) : '';
      if (servedDir !== realpathSync(dir)) {
        throw new Error(
          `the Redis on port ${config.embeddedRedisPort} serves ${servedDir}, not ${dir}; set EMBEDDED_REDIS_PORT or REDIS_URL`,
        );
      }
      return await check(running.redis);
    } finally {
      running.redis.disconnect();
    }
  }

  const server = await RedisServer.create({ port: config.embeddedRedisPort, dir });
  const redis = connect(server.url);
  try {
    await redis.connect();
    return await check(redis);
  } finally {
    redis.disconnect();
    await server.close();
  }
}

async function main(): Promise<number> {
  try {
    const config = readSignalingConfig();
    // The result line is this tool's output; component logs only when something goes wrong.
    configureLogging({ level: config.logLevel === 'debug' || config.logLevel === 'trace' ? config.logLevel : 'error' });
    const result = await withAuditRedis(config, (redis) => new AuditLog(redis).verify());
    if (result.ok) {
      process.stdout.write(`audit chain ok: ${result.count} entries\n`);
      return 0;
    }
    process.stdout.write(
      result.brokenAt
        ? `audit chain BROKEN at entry ${result.brokenAt}: ${result.reason} (the ${result.count} entries before it are intact)\n`
        : `audit chain BROKEN after ${result.count} intact entries: ${result.reason}\n`,
    );
    return 1;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`audit:verify could not check the audit log: ${message}\n`);
    return 2;
  }
}

process.exitCode = await main();
