/**
 * SMS benchmark, two parts; prints the figures and writes bench/results/sms.json.
 *
 * 1. Broadcast: 10,000 recipients through the whole SMS layer (Redis outbox, SMPP link with a
 *    window of 10) to the SMSC simulator answering after 5 ms, receipts on; three rounds, the
 *    median is reported. The simulator runs in a worker thread, as a carrier's SMSC is not in our
 *    process.
 * 2. Incident → SMS: the real system (startStack: server, embedded Redis, its embedded SMSC
 *    simulator as the demo carrier). A dispatcher's REST client creates an incident and assigns a
 *    department, one incident at a time; measured from just before the create request is sent to
 *    the simulator's receive time of the task notice to the department's duty liaison (the whole
 *    message: for a long one, its last part). Warm-up incidents are not counted.
 *
 *   node --import tsx bench/sms.ts
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { demoRoster } from '../signaling/src/dispatch/seed.ts';
import { localDay } from '../signaling/src/dispatch/time.ts';
import type { Incident, Task } from '../signaling/src/protocol/dispatch.ts';
import type { ReceivedSms, SmscCounts } from '../signaling/src/sms/SmscSimulator.ts';
import { SmsService } from '../signaling/src/sms/SmsService.ts';
import { connectLink, phoneNumbers, quietLogs, startRedis, startSimulator, waitFor } from '../signaling/src/sms/testKit.ts';
import { api, login, startStack } from '../test/helpers/stack.ts';
import { percentile } from './stats.ts';

const RECIPIENTS = 10_000;
const ROUNDS = 3;
const WINDOW = 10;
const SMSC_DELAY_MS = 5;
const RECEIPT_DELAY_MS = 20;
const TEXT = '县应急管理局：今晚有强降雨，请各村做好防汛准备，危险区域群众立即转移。';
const INCIDENTS = 50;
const INCIDENT_WARMUP = 5;
/** The department assigned (县消防救援大队) in the demo county. */
const INCIDENT_DEPARTMENT = { index: 41, id: 'd041' };

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

interface Round {
  submit_rate_msg_s: number;
  receipts_recorded: number;
  broadcast_queued_ms: number;
  submit_seconds: number;
  all_receipts_seconds: number;
  end_to_end_rate_msg_s: number;
  smsc_missing: number;
  smsc_duplicates: number;
  /** CPU of this process (main thread and simulator thread; not redis-server) per message. */
  cpu_ms_per_msg: number;
  loadavg_1m: number;
}

/** One broadcast to RECIPIENTS numbers starting at `base`. */
async function round(service: SmsService, simulator: Awaited<ReturnType<typeof startSimulatorThread>>, base: number): Promise<Round> {
  const numbers = phoneNumbers(RECIPIENTS, base);
  const accepted = new Set<string>();
  let lastAcceptedAt = 0;
  const onStatus = (u: { messageId: string; status: string }) => {
    if (u.status !== 'queued' && u.status !== 'unknown' && !accepted.has(u.messageId)) {
      accepted.add(u.messageId);
      lastAcceptedAt = performance.now();
    }
  };
  service.on('status', onStatus);
  try {
    const cpu = process.cpuUsage();
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
    const used = process.cpuUsage(cpu);
    const smsc = await simulator.report(numbers);
    return {
      submit_rate_msg_s: Math.round(RECIPIENTS / submitSeconds),
      receipts_recorded: delivered,
      broadcast_queued_ms: Math.round(queuedAt - started),
      submit_seconds: Math.round(submitSeconds * 100) / 100,
      all_receipts_seconds: Math.round(receiptsSeconds * 100) / 100,
      end_to_end_rate_msg_s: Math.round(RECIPIENTS / receiptsSeconds),
      smsc_missing: smsc.missing,
      smsc_duplicates: smsc.duplicates,
      cpu_ms_per_msg: Math.round(((used.user + used.system) / 1000 / RECIPIENTS) * 1000) / 1000,
      loadavg_1m: Math.round(os.loadavg()[0]! * 100) / 100,
    };
  } finally {
    service.off('status', onStatus);
  }
}

interface IncidentLatency {
  /** Create request sent → task notice received at the SMSC, per incident (ms). */
  incidentToSms: number[];
  /** Assign request sent → task notice received at the SMSC, per incident (ms). */
  assignToSms: number[];
  parts: number;
}

/** Incidents one at a time on the real system, each assigned to one department; see the header. */
async function incidentLatency(): Promise<IncidentLatency> {
  const stack = await startStack();
  try {
    const simulator = stack.server.messaging.simulator;
    if (!simulator) throw new Error('the stack runs without its embedded SMSC simulator');
    const { token } = await login(stack.baseUrl, 'dispatcher');
    const phone = demoRoster(INCIDENT_DEPARTMENT.index, INCIDENT_DEPARTMENT.id, localDay(Date.now(), 480)).liaison.phone;
    const result: IncidentLatency = { incidentToSms: [], assignToSms: [], parts: 0 };
    for (let i = 0; i < INCIDENT_WARMUP + INCIDENTS; i++) {
      const seen: ReceivedSms[] = [];
      const onMessage = (m: ReceivedSms) => void (m.to === phone && seen.push(m));
      simulator.on('message', onMessage);
      try {
        const createdAt = Date.now();
        const created = await api<{ incident: Incident }>(stack.baseUrl, token, 'POST', '/api/dispatch/incidents', {
          type: 'flood',
          level: 'II',
          title: `滨河路积水 ${i + 1}`,
          locationText: '城关镇滨河路',
          description: '持续强降雨，低洼处积水。',
        });
        if (created.status !== 201) throw new Error(`creating an incident answered ${created.status}`);
        const assignedAt = Date.now();
        const assigned = await api<{ tasks: Task[] }>(stack.baseUrl, token, 'POST', `/api/dispatch/incidents/${created.body.incident.id}/tasks`, {
          departmentIds: [INCIDENT_DEPARTMENT.id],
          instructions: '立即组织力量排水并转移低洼处群众。',
        });
        if (assigned.status !== 201) throw new Error(`assigning a task answered ${assigned.status}`);
        const code = assigned.body.tasks[0]!.code;
        const notice = () => seen.find((m) => m.text.includes(code));
        await waitFor(() => notice() !== undefined, 30_000, `the task notice ${code} at the SMSC`);
        const message = notice()!;
        if (i < INCIDENT_WARMUP) continue;
        result.incidentToSms.push(message.receivedAt - createdAt);
        result.assignToSms.push(message.receivedAt - assignedAt);
        result.parts = message.parts;
      } finally {
        simulator.off('message', onMessage);
      }
    }
    return result;
  } finally {
    await stack.close();
  }
}

/** The broadcast rounds, on their own Redis and SMSC simulator thread. */
async function broadcastRounds(): Promise<Round[]> {
  const redis = await startRedis();
  const simulator = await startSimulatorThread();
  const service = await SmsService.create({ redisUrl: redis.url, link: await connectLink(simulator, { window: WINDOW }) });
  try {
    console.log(`sms: ${ROUNDS} rounds of ${RECIPIENTS} messages, window ${WINDOW}, SMSC delay ${SMSC_DELAY_MS} ms, receipts on`);
    const runs: Round[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const r = await round(service, simulator, 13000000000 + i * 1_000_000);
      runs.push(r);
      console.log(
        `  round ${i + 1}: ${r.submit_rate_msg_s} msg/s submitted, ${r.receipts_recorded}/${RECIPIENTS} receipts in ${r.all_receipts_seconds} s, ` +
          `${r.smsc_missing} missing, ${r.smsc_duplicates} duplicated at the SMSC, ${r.cpu_ms_per_msg} ms CPU/msg, load ${r.loadavg_1m}`,
      );
    }
    return runs;
  } finally {
    await service.close();
    await simulator.close();
    await redis.close();
  }
}

async function main(): Promise<void> {
  quietLogs();
  const runs = await broadcastRounds();
  const median = [...runs].sort((a, b) => a.submit_rate_msg_s - b.submit_rate_msg_s)[Math.floor(ROUNDS / 2)]!;
  const { submit_rate_msg_s, receipts_recorded, ...details } = median;
  console.log(`incident → SMS: ${INCIDENTS} incidents one at a time on the real system (after ${INCIDENT_WARMUP} warm-up), one department each`);
  const incidents = await incidentLatency();
  const latency = {
    incident_to_sms_ms_p50: percentile(incidents.incidentToSms, 50),
    incident_to_sms_ms_p95: percentile(incidents.incidentToSms, 95),
    incident_to_sms_ms_max: Math.max(...incidents.incidentToSms),
    assign_to_sms_ms_p50: percentile(incidents.assignToSms, 50),
    assign_to_sms_ms_p95: percentile(incidents.assignToSms, 95),
  };
  console.log(
    `  incident created → task notice at the SMSC: p50 ${latency.incident_to_sms_ms_p50} ms, p95 ${latency.incident_to_sms_ms_p95} ms, ` +
      `max ${latency.incident_to_sms_ms_max} ms (assign → SMS p50 ${latency.assign_to_sms_ms_p50} ms, p95 ${latency.assign_to_sms_ms_p95} ms; ` +
      `${incidents.parts} parts each)`,
  );

  const result = {
    submit_rate_msg_s,
    receipts_recorded,
    receipts_expected: RECIPIENTS,
    incident_to_sms_ms_p50: latency.incident_to_sms_ms_p50,
    incident_to_sms_ms_p95: latency.incident_to_sms_ms_p95,
    recipients: RECIPIENTS,
    ...details,
    runs,
    incident_latency: {
      incidents: INCIDENTS,
      warmup: INCIDENT_WARMUP,
      ...latency,
      notice_parts: incidents.parts,
      incident_to_sms_ms: incidents.incidentToSms,
    },
    config: { rounds: ROUNDS, window: WINDOW, smsc_response_delay_ms: SMSC_DELAY_MS, receipt_delay_ms: RECEIPT_DELAY_MS, encoding: 'ucs2', parts: 1 },
    notes:
      'median of the rounds by submit rate. Whole path: broadcast stored in the Redis outbox, SMPP submit_sm with window 10 to the ' +
      'loopback SMSC simulator (worker thread), receipts recorded in Redis. submit_rate_msg_s counts from the broadcast stored to ' +
      'the last submit answer recorded. The host is shared: loadavg_1m shows how busy it was. incident_to_sms_ms_*: the real system ' +
      '(startStack, its embedded SMSC simulator, default SMPP settings); a REST client creates a level II incident then assigns one ' +
      'department, one incident at a time; measured from just before the create request is sent to the simulator receiving the whole ' +
      'task notice (all its parts) for the duty liaison; nearest-rank percentiles over the incidents after the warm-up.',
    host: { cpus: os.cpus().length },
    measured_at: new Date().toISOString(),
  };
  await mkdir(resultsDir, { recursive: true });
  await writeFile(path.join(resultsDir, 'sms.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`  median submit rate ${result.submit_rate_msg_s} msg/s (target ≥ 1000: ${result.submit_rate_msg_s >= 1000 ? 'met' : 'missed'})`);
  console.log(`  receipts           ${result.receipts_recorded} / ${RECIPIENTS} recorded`);
  console.log(
    `  incident → SMS p95 ${result.incident_to_sms_ms_p95} ms (target ≤ 500: ${result.incident_to_sms_ms_p95 <= 500 ? 'met' : 'missed'})`,
  );
  console.log('  written            bench/results/sms.json');
}

if (isMainThread) await main();
else if ((workerData as { simulator?: boolean } | null)?.simulator) await simulatorThread();
