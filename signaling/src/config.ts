import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { readSfuConfig, type SfuConfig } from '../../sfu/src/index.ts';
import { readRecorderConfig, type RecorderConfig } from '../../recorder/src/index.ts';
import { dispatchConfigSchema } from './dispatch/config.ts';
import { incidentLevelSchema } from './protocol/dispatch.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const port = z.coerce.number().int().min(0).max(65535);
/** A JSON document in an environment variable. */
const json = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not valid JSON' });
    return z.NEVER;
  }
});
const levelDeadlineSchema = dispatchConfigSchema.shape.deadlines.unwrap().valueType;

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const signalingConfigSchema = z.object({
  httpHost: z.string().default('127.0.0.1'),
  httpPort: port.default(3000),
  /** HTTPS for browsers on other machines (camera access needs a secure context). 0 disables it. */
  httpsHost: z.string().default('0.0.0.0'),
  httpsPort: port.default(3443),
  tlsCertFile: z.string().optional(),
  tlsKeyFile: z.string().optional(),
  /** External Redis; when absent an embedded redis-server child process is started. */
  redisUrl: z.url().optional(),
  embeddedRedisPort: port.default(6390),
  dataDir: z.string().default(path.join(repoRoot, 'var')),
  consoleDist: z.string().default(path.join(repoRoot, 'console', 'dist')),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  sessionTtlSeconds: z.coerce.number().int().positive().default(12 * 3600),
  seedDemo: bool.default(true),
  /** The carrier's SMSC (SMPP). When SMPP_HOST is unset a local SMSC simulator is started as the demo carrier. */
  smppHost: z.string().min(1).optional(),
  smppPort: port.default(2775),
  smppSystemId: z.string().min(1).max(15).default('yilian'),
  smppPassword: z.string().max(8).default('yilian'),
  smppWindow: z.coerce.number().int().min(1).max(1000).default(10),
  smppMaxPerSecond: z.coerce.number().min(0).default(0),
  /** The dispatch centre's SMS number: replies and reports to it reach dispatch. */
  smsCentreNumber: z.string().regex(/^\d{3,20}$/).default('12110'),
  /** GB/T 2260 administrative area code of the county (CAP identifiers); 990101 is fictional. */
  areaCode: z.string().regex(/^\d{6}$/).default('990101'),
  /**
   * Dispatch deadlines for some incident levels, e.g. `{"II":{"acknowledgeMs":600000,"reportMs":7200000,"escalationStepMs":600000}}`
   * (DISPATCH_DEADLINES, JSON); levels not named keep the defaults of dispatch/config.ts.
   */
  dispatchDeadlines: json.pipe(z.partialRecord(incidentLevelSchema, levelDeadlineSchema)).optional(),
  /** When set, /metrics requires `Authorization: Bearer <token>`. */
  metricsToken: z.string().min(16).optional(),
});

export type SignalingOnlyConfig = z.infer<typeof signalingConfigSchema>;
export type SignalingConfig = SignalingOnlyConfig & { sfu: SfuConfig; recorder: RecorderConfig };

/** The only reader of process.env for the signalling service (the SFU and recorder parts through theirs). */
export function readConfig(env: NodeJS.ProcessEnv = process.env): SignalingConfig {
  const signaling = readSignalingConfig(env);
  return {
    ...signaling,
    sfu: readSfuConfig(env),
    recorder: readRecorderConfig({ ...env, RECORDING_DIR: env.RECORDING_DIR || path.join(signaling.dataDir, 'recordings') }),
  };
}

/** The signalling part alone (no SFU, so no worker binary needed): for tools such as audit:verify. */
export function readSignalingConfig(env: NodeJS.ProcessEnv = process.env): SignalingOnlyConfig {
  const e = (name: string) => (env[name] === '' ? undefined : env[name]);
  const parsed = signalingConfigSchema.safeParse({
    httpHost: e('HTTP_HOST'),
    httpPort: e('HTTP_PORT'),
    httpsHost: e('HTTPS_HOST'),
    httpsPort: e('HTTPS_PORT'),
    tlsCertFile: e('TLS_CERT_FILE'),
    tlsKeyFile: e('TLS_KEY_FILE'),
    redisUrl: e('REDIS_URL'),
    embeddedRedisPort: e('EMBEDDED_REDIS_PORT'),
    dataDir: e('DATA_DIR'),
    consoleDist: e('CONSOLE_DIST'),
    logLevel: e('LOG_LEVEL'),
    sessionTtlSeconds: e('SESSION_TTL_SECONDS'),
    seedDemo: e('SEED_DEMO'),
    metricsToken: e('METRICS_TOKEN'),
    smppHost: e('SMPP_HOST'),
    smppPort: e('SMPP_PORT'),
    smppSystemId: e('SMPP_SYSTEM_ID'),
    smppPassword: e('SMPP_PASSWORD'),
    smppWindow: e('SMPP_WINDOW'),
    smppMaxPerSecond: e('SMPP_MAX_PER_SECOND'),
    smsCentreNumber: e('SMS_CENTRE_NUMBER'),
    areaCode: e('AREA_CODE'),
    dispatchDeadlines: e('DISPATCH_DEADLINES'),
  });
  if (!parsed.success) {
    throw new Error(`invalid configuration: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/** The effective configuration with secrets masked, for the start-up log line. */
export function maskedConfig(config: SignalingConfig): Record<string, unknown> {
  return {
    ...config,
    redisUrl: config.redisUrl?.replace(/\/\/[^@]*@/, '//***@'),
    metricsToken: config.metricsToken ? '***' : undefined,
    smppPassword: '***',
  };
}
