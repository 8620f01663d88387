import { configureLogging, getLogger } from '../../sfu/src/index.ts';
import { maskedConfig, readConfig } from './config.ts';
import { DEMO_PASSWORD } from './seed/demoCounty.ts';
import { YilianServer } from './YilianServer.ts';

const config = readConfig();
configureLogging({ level: config.logLevel });
const logger = getLogger('main');
logger.info({ config: maskedConfig(config) }, 'starting Yilian');

let server: YilianServer;
try {
  server = await YilianServer.create(config);
} catch (error) {
  logger.fatal({ err: error }, 'Yilian failed to start');
  process.exit(1);
}

if (config.seedDemo) {
  const { seeded } = await server.seedDemo();
  if (seeded) logger.info('demo county data seeded');
}

let stopping = false;
async function stop(reason: string, code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ reason }, 'stopping');
  await server.close();
  process.exit(code);
}
process.on('SIGINT', () => void stop('SIGINT', 0));
process.on('SIGTERM', () => void stop('SIGTERM', 0));
server.on('fatal', (error) => {
  logger.fatal({ err: error }, 'a required service died');
  void stop('fatal', 1);
});

const lines = [
  '',
  'Yilian is running.',
  `  Console (this machine):  http://localhost:${server.httpPort}/`,
  server.httpsPort
    ? `  Console (other venues):  https://${config.sfu.announcedAddress ?? 'this-machine'}:${server.httpsPort}/  (self-signed certificate unless TLS_CERT_FILE is set)`
    : '',
  `  Media (mediasoup):       UDP/TCP ${config.sfu.rtcPortBase}-${config.sfu.rtcPortBase + config.sfu.numWorkers - 1}, announced as ${config.sfu.announcedAddress ?? config.sfu.rtcListenIp}`,
  config.redisUrl ? '  Redis:                   external (REDIS_URL)' : `  Redis:                   embedded on 127.0.0.1:${config.embeddedRedisPort}, data in ${config.dataDir}/redis`,
  config.seedDemo
    ? `  Demo logins (password ${DEMO_PASSWORD}): chair (county hall chair), hall, dispatch, tw01…tw10 (townships), d001…d120 (departments), dispatcher, admin`
    : '',
  '',
].filter((l) => l !== null);
process.stdout.write(lines.join('\n') + '\n');
