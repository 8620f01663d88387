/**
 * SMS broadcast benchmark: 10,000 recipients through the whole SMS layer (Redis outbox, SMPP link
 * with a window of 10) to the SMSC simulator answering after 5 ms, receipts on. The simulator runs
 * in a worker thread, as a carrier's SMSC is not in our process. Prints the figures and writes
 * bench/results/sms.json.
 *
 *   node --import tsx bench/sms.ts
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { SmscCounts } from '../signaling/src/sms/SmscSimulator.ts';
import { SmsService } from '../signaling/src/sms/SmsService.ts';
import { connectLink, phoneNumbers, quietLogs, startRedis, startSimulator, waitFor } from '../signaling/src/sms/testKit.ts';

const RECIPIENTS = 10_000;
const WINDOW = 10;
const SMSC_DELAY_MS = 5;
const RECEIPT_DELAY_MS = 20;
const TEXT = '县应急管理局：今晚有强降雨，请各村做好防汛准备，危险区域群众立即转移。';

const resultsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');

interface SimulatorReport {
  counts: SmscCounts;
  missing: number;
  duplicates: number;
}

/** The worker thread: the SMSC simulator, answering the main thread's report and close requests. */
async function simulatorThread(): Promise<void> {
  quietLogs();
  const simulator = await startSimulator({ responseDelayMs: SMSC_DELAY_MS, receiptDelayMs: RECEIPT_DELAY_MS, keepMessages: 0 });
  parentPort!.postMessage({ port: simulator.port });
  parentPort!.on('message', async (request: { type: 'report'; numbers: string[] } | { type: 'close' }) => {
    if (request.type === 'report') {
      const perNumber = request.numbers.map((n) => simulator.countTo(n));
      const report: SimulatorReport = {
        counts: simulator.counts,
        missing: perNumber.filter((c) => c === 0).length,
        duplicates: perNumber.filter((c) => c > 1).length,
      };
      parentPort!.postMessage(report);
    } else {
      await simulator.close();
      parentPort!.close();
    }
  });
}

async function startSimulatorThread() {
  const bootstrap = `import('tsx/esm/api').then((m) => m.register()).then(() => import(${JSON.stringify(import.meta.url)}))`;
  const worker = new Worker(bootstrap, { eval: true, workerData: { simulator: true } });
  const reply = <T>() => new Promise<T>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const { port } = await reply<{ port: number }>();
  return {
    port,
    report: (numbers: string[]) => {
      worker.postMessage({ type: 'report', numbers });
      return reply<SimulatorReport>();
    },
    close: async () => {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage({ type: 'close' });
      await exited;
    },
  };
}

async function main(): Promise<void> {
  quietLogs();
  const redis = await startRedis();
  const simulator = await startSimulatorThread();
  const service = await SmsService.create({ redisUrl: redis.url, link: await connectLink(simulator, { window: WINDOW }) });
  try {
    const numbers = phoneNumbers(RECIPIENTS, 13000000000);
    const accepted = new Set<string>();
    let lastAcceptedAt = 0;
    service.on('status', (u) => {
      if (u.status !== 'queued' && u.status !== 'unknown' && !accepted.has(u.messageId)) {
        accepted.add(u.messageId);
        lastAcceptedAt = performance.now();
      }
    });

    const started = performance.now();
    const broadcast = await service.broadcast({ text: TEXT, recipients: numbers, kind: 'emergency_command', ref: 'bench' });
    const queuedAt = performance.now();
    await waitFor(() => accepted.size >= RECIPIENTS, 120_000, 'every message to be accepted by the SMSC');
    const submitSeconds = (lastAcceptedAt - queuedAt) / 1000;

    let delivered = 0;
    await waitFor(
      async () => {
        const b = await service.getBroadcast(broadcast.id);
        delivered = b.counts.delivered ?? 0;
        return b.done;
      },
      120_000,
      'every receipt to be recorded',
    ).catch((error: Error) => console.error(error.message));
    const receiptsSeconds = (performance.now() - started) / 1000;

    const smsc = await simulator.report(numbers);
    const result = {
      submit_rate_msg_s: Math.round(RECIPIENTS / submitSeconds),
      receipts_recorded: delivered,
      receipts_expected: RECIPIENTS,
      // Incidents (which trigger SMS) are not built yet: measured once they exist.
      incident_to_sms_ms_p50: null,
      incident_to_sms_ms_p95: null,
      recipients: RECIPIENTS,
      /** Validating and storing the 10,000 messages, before the first submit. */
      broadcast_queued_ms: Math.round(queuedAt - started),
      /** From the broadcast stored to the last submit_sm_resp recorded. */
      submit_seconds: Math.round(submitSeconds * 100) / 100,
      /** From the broadcast request to the last receipt recorded. */
      all_receipts_seconds: Math.round(receiptsSeconds * 100) / 100,
      end_to_end_rate_msg_s: Math.round(RECIPIENTS / receiptsSeconds),
      smsc_messages: smsc.counts.messages,
      smsc_missing: smsc.missing,
      smsc_duplicates: smsc.duplicates,
      config: { window: WINDOW, smsc_response_delay_ms: SMSC_DELAY_MS, receipt_delay_ms: RECEIPT_DELAY_MS, encoding: broadcast.encoding, parts: broadcast.parts },
      notes:
        'whole path: broadcast stored in the Redis outbox, SMPP submit_sm with window 10 to the loopback SMSC simulator (worker thread), ' +
        'receipts recorded in Redis; submit_rate_msg_s counts from the broadcast stored to the last submit answer recorded; ' +
        'incident_to_sms_* are null until incidents exist',
      host: { cpus: os.cpus().length, loadavg_1m: Math.round(os.loadavg()[0]! * 100) / 100 },
      measured_at: new Date().toISOString(),
    };

    await mkdir(resultsDir, { recursive: true });
    await writeFile(path.join(resultsDir, 'sms.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log(`sms: ${RECIPIENTS} messages, window ${WINDOW}, SMSC delay ${SMSC_DELAY_MS} ms`);
    console.log(`  queued           ${result.broadcast_queued_ms} ms to validate and store the broadcast`);
    console.log(`  submit rate      ${result.submit_rate_msg_s} msg/s (target ≥ 1000: ${result.submit_rate_msg_s >= 1000 ? 'met' : 'missed'})`);
    console.log(`  receipts         ${delivered} / ${RECIPIENTS} recorded in ${result.all_receipts_seconds} s`);
    console.log(`  at the SMSC      ${result.smsc_messages} messages, ${result.smsc_missing} missing, ${result.smsc_duplicates} duplicated`);
    console.log(`  written          bench/results/sms.json`);
  } finally {
    await service.close();
    await simulator.close();
    await redis.close();
  }
}

if (isMainThread) await main();
else if ((workerData as { simulator?: boolean } | null)?.simulator) await simulatorThread();
