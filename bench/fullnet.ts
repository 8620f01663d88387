// npm run bench -- fullnet [--processes 2] [--cycles 10] [--verify-every 8] [--polling-interval 3]
//                          [--wait-quiet 600] [--profile DIR]
//
// A county full-network meeting (全网会议) at full size: the demo county's 131 venues (hall,
// tw01..tw10, d001..d120) as browser-free clients over real ICE/DTLS/SRTP, each publishing the
// console's camera (VP8 simulcast 160×120/320×240/640×480 at 20 fps, replayed from a clip
// encoded once by ffmpeg) and microphone (Opus 20 ms), all joining one full-network meeting at
// once. The chair's venue runs a 3×3 polling view (选看轮询) over the other 130 venues; the
// broadcast (广播) is switched by chair commands every few seconds, since the control allows one
// polling at a time. Each cycle: broadcast a venue, give it and two others the floor (unmute),
// then mute all. Writes bench/results/fullnet.json.
//
// The system under test (signalling server, embedded Redis, mediasoup workers) runs in its own
// child process, the venues in --processes others, so CPU and memory are measured apart.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { api, login } from '../test/helpers/stack.ts';
import type { ChairCommand } from '../signaling/src/protocol/index.ts';
import { Channel } from './lib/Channel.ts';
import { CONSOLE_CLIP, prepareClip } from './lib/clip.ts';
import { now, type FromVenueProcess, type ToVenueProcess, type VenueStats, type Watch, type WatchResult } from './lib/messages.ts';
import { childPids, cpuBetween, machineBusyPct, rssBytes, snapshot, udpDropsByPid } from './lib/procStats.ts';
import type { FromStackProcess, ToStackProcess } from './lib/stackProcess.ts';
import { percentile, writeResults } from './stats.ts';

const { values: opts } = parseArgs({
  options: {
    processes: { type: 'string', default: '2' },
    cycles: { type: 'string', default: '10' },
    'verify-every': { type: 'string', default: '8' },
    'polling-interval': { type: 'string', default: '3' },
    /** Write V8 CPU profiles of the stack and venue processes into this folder. */
    profile: { type: 'string' },
    /** Wait up to this many seconds for other work on the machine to quiet down before starting. */
    'wait-quiet': { type: 'string', default: '600' },
  },
});
const PROCESSES = positiveInt(opts.processes, '--processes');
const CYCLES = positiveInt(opts.cycles, '--cycles');
const VERIFY_EVERY = positiveInt(opts['verify-every'], '--verify-every');
const POLLING_INTERVAL_S = positiveInt(opts['polling-interval'], '--polling-interval');
const JOIN_TIMEOUT_MS = 60_000;
/** Busy share of all cores (other work) below which the machine counts as quiet. */
const QUIET_BUSY_PCT = 25;
/** How long after a command its effects are collected (the "stopped" check needs silence). */
const SETTLE_MS = 800;

const lib = path.join(import.meta.dirname, 'lib');
const forkOptions = opts.profile
  ? { execArgv: [...process.execArgv, '--cpu-prof', `--cpu-prof-dir=${path.resolve(opts.profile)}`] }
  : {};
const log = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const WAIT_QUIET_S = Number(opts['wait-quiet']);
// The benchmark needs the machine to itself: other work on the two cores shows up as latency.
const quietSince = now();
let busyBefore = await machineBusyPct(5000);
if (busyBefore > QUIET_BUSY_PCT) log(`[fullnet] the machine is ${busyBefore} % busy with other work; waiting up to ${WAIT_QUIET_S} s for it to quiet down`);
// Two quiet samples in a row: test suites of other work come in bursts.
for (let quiet = 0; quiet < 2 && now() - quietSince < WAIT_QUIET_S * 1000; ) {
  busyBefore = await machineBusyPct(5000);
  quiet = busyBefore > QUIET_BUSY_PCT ? 0 : quiet + 1;
}
const waitedS = Math.round((now() - quietSince) / 1000);
const loadAtStart = os.loadavg().map((x) => round(x, 2));
log(`[fullnet] machine ${busyBefore} % busy (waited ${waitedS} s), load average ${loadAtStart.join(' ')}; preparing the clip (ffmpeg, cached in var/bench-media)`);
const clipDir = await prepareClip(CONSOLE_CLIP);

const stack = new Channel<FromStackProcess, ToStackProcess>(fork(path.join(lib, 'stackProcess.ts'), [], forkOptions), 'the stack process');
const venueProcs: Channel<FromVenueProcess, ToVenueProcess>[] = [];
const failures: string[] = [];
try {
  const started = await stack.next('ready');
  const { baseUrl } = started;
  const workerPids = started.workerPids;
  log(`[fullnet] stack up at ${baseUrl} (server pid ${started.pid}, workers ${workerPids.join(', ')})`);

  const chair = await login(baseUrl, 'chair');
  const created = await api<{ meeting: { id: string; chairVenueId: string; invitedVenueIds: string[] } }>(baseUrl, chair.token, 'POST', '/api/meetings', {
    title: '全网会议 fullnet benchmark',
    kind: 'full',
  });
  if (created.status !== 201 && created.status !== 200) throw new Error(`creating the meeting failed: ${created.status} ${JSON.stringify(created.body)}`);
  const { id: meetingId, chairVenueId, invitedVenueIds } = created.body.meeting;
  // The county hall, the townships and the departments; other invited venues (the dispatch
  // centre) stay offline, as some venue usually is.
  const invited = invitedVenueIds.filter((v) => v === chairVenueId || /^(tw|d)\d+$/.test(v));
  const offline = invitedVenueIds.filter((v) => !invited.includes(v));
  const others = invited.filter((v) => v !== chairVenueId);
  log(`[fullnet] full-network meeting ${meetingId}: ${invitedVenueIds.length} venues invited, ${invited.length} take part (offline: ${offline.join(', ') || 'none'}), chair ${chairVenueId}`);

  // Venues are dealt round-robin over the processes; the chair venue lives in the first.
  const groups: string[][] = Array.from({ length: PROCESSES }, () => []);
  [chairVenueId, ...others].forEach((v, i) => groups[i % PROCESSES]!.push(v));
  for (const [i] of groups.entries()) {
    venueProcs.push(new Channel<FromVenueProcess, ToVenueProcess>(fork(path.join(lib, 'venueProcess.ts'), [], forkOptions), `venue process ${i}`));
  }
  const chairProc = venueProcs[0]!;
  for (const p of venueProcs) p.on('failed', (m) => failures.push(`${m.venueId}: ${m.error}`));
  const prepared = await Promise.all(
    venueProcs.map((p, i) => {
      p.send({ type: 'init', baseUrl, meetingId, venueIds: groups[i]!, expectedPresent: invited.length, clipDir, verifyEvery: VERIFY_EVERY });
      return p.next('prepared');
    }),
  );
  const clientPids = prepared.map((m) => m.pid);
  const redisPids = childPids(started.pid).filter((pid) => !workerPids.includes(pid));
  const allPids = [started.pid, ...workerPids, ...redisPids, ...clientPids];
  log(`[fullnet] ${invited.length} venues logged in and connected in ${PROCESSES} processes`);

  // ---- Everyone joins at once. ----
  const joinedAt = new Map<string, number>();
  const readyAt = new Map<string, number>();
  const cameraSsrcs = new Map<string, number[]>();
  for (const p of venueProcs) {
    p.on('joined', (m) => {
      joinedAt.set(m.venueId, m.at);
      cameraSsrcs.set(m.venueId, m.cameraSsrcs);
    });
    p.on('ready', (m) => readyAt.set(m.venueId, m.at));
  }
  let commandId = 0;
  const chairCommand = async (command: ChairCommand) => {
    const id = ++commandId;
    chairProc.send({ type: 'command', id, venueId: chairVenueId, command });
    const sent = await chairProc.next('commandSent', (m) => m.id === id);
    if (sent.error) throw new Error(sent.error);
    return sent;
  };
  const pollingStarted = new Promise<void>((resolve, reject) => {
    chairProc.on('joined', (m) => {
      if (m.venueId !== chairVenueId) return;
      // The chair's 3×3 monitor: polling over every other venue, a page of nine at a time.
      chairCommand({ type: 'startPolling', venueIds: others, intervalS: POLLING_INTERVAL_S, target: 'chairView', kind: '3x3' }).then(() => resolve(), reject);
    });
  });
  const cpuJoinStart = snapshot(allPids);
  const go = now();
  for (const p of venueProcs) p.send({ type: 'join' });
  await pollingStarted;
  while (readyAt.size < invited.length && now() - go < JOIN_TIMEOUT_MS) await sleep(50);
  const cpuJoinEnd = snapshot(allPids);
  const notReady = invited.filter((v) => !readyAt.has(v));
  const readyTimes = [...readyAt.values()].map((t) => t - go);
  const allJoinedS = notReady.length === 0 ? round(Math.max(...readyTimes) / 1000, 2) : null;
  log(
    `[fullnet] joined and receiving: ${readyAt.size}/${invited.length}` +
      (allJoinedS !== null ? ` all in ${allJoinedS} s` : ` (missing ${notReady.join(', ')})`) +
      ` (venue p50 ${round(percentile(readyTimes, 50) / 1000, 2)} s; join acks p50 ${round(percentile([...joinedAt.values()].map((t) => t - go), 50) / 1000, 2)} s)`,
  );
  await sleep(2000);

  // ---- Chair commands, measured at every venue. ----
  const measure = async (watch: Watch, command: ChairCommand): Promise<CommandSample> => {
    const id = ++commandId;
    await Promise.all(
      venueProcs.map((p) => {
        p.send({ type: 'arm', id, watch });
        return p.next('armed', (m) => m.id === id);
      }),
    );
    const sent = await chairCommand(command);
    await sleep(SETTLE_MS);
    const collected = await Promise.all(
      venueProcs.map((p) => {
        p.send({ type: 'collect', id, deadline: sent.at + 3000 });
        return p.next('collected', (m) => m.id === id);
      }),
    );
    const sample = summarise(watch, collected.flatMap((c) => c.results), sent.at, sent.ackAt);
    log(
      `[fullnet] ${describe(watch).padEnd(28)} applied at all ${invited.length}: ${sample.all_ms ?? 'NO'} ms` +
        ` (ack ${sample.ack_ms}, state to all ${sample.state_all_ms}` +
        (sample.new_consumers ? `, ${sample.new_consumers} new consumers offered by ${sample.consumer_offered_all_ms}` : '') +
        ` ms; venue p50 ${sample.venue_p50_ms} ms; last ${sample.slowest.join(', ')})` +
        (sample.failed.length ? ` FAILED at ${sample.failed.length}: ${sample.failed.slice(0, 3).join('; ')}` : ''),
    );
    return sample;
  };

  const samples: { broadcast: CommandSample[]; muteAll: CommandSample[]; unmute: CommandSample[] } = { broadcast: [], muteAll: [], unmute: [] };
  const pick = (i: number) => others[Math.floor((i * others.length) / (CYCLES + 1)) % others.length]!;
  const cpuSteadyStart = snapshot(allPids);
  for (let i = 0; i < CYCLES; i++) {
    const target = pick(i);
    const floor = [target, others[(others.indexOf(target) + 1) % others.length]!, others[(others.indexOf(target) + 2) % others.length]!];
    samples.broadcast.push(await measure({ kind: 'broadcast', venueId: target, cameraSsrcs: cameraSsrcs.get(target) ?? [] }, { type: 'broadcast', venueId: target }));
    samples.unmute.push(await measure({ kind: 'unmute', venueIds: floor }, { type: 'mute', venueIds: floor, muted: false }));
    await sleep(1000);
    samples.muteAll.push(await measure({ kind: 'muteAll', venueIds: floor }, { type: 'muteAll', muted: true }));
    await sleep(500);
  }
  const cpuSteadyEnd = snapshot(allPids);

  // ---- The end state: one venue broadcast with the floor; does every venue get its media? ----
  const last = pick(CYCLES);
  await chairCommand({ type: 'broadcast', venueId: last });
  await chairCommand({ type: 'mute', venueIds: [last], muted: false });
  await sleep(2000);
  let checks = await mediaChecks(venueProcs);
  for (let attempt = 0; attempt < 3 && checks.some((c) => !c.ok); attempt++) {
    await sleep(500);
    const again = await mediaChecks(venueProcs);
    checks = checks.map((c) => (c.ok ? c : (again.find((a) => a.venueId === c.venueId) ?? c)));
  }
  const withoutMedia = checks.filter((c) => !c.ok);
  log(`[fullnet] end state: broadcast ${last} with the floor; venues without media: ${withoutMedia.length}` +
    (withoutMedia.length ? ` (${withoutMedia.slice(0, 5).map((c) => `${c.venueId}: ${c.missing.join(',')}`).join('; ')})` : ''));

  // ---- Figures. ----
  stack.send({ type: 'stats' });
  const server = await stack.next('stats');
  const venueStats = (await Promise.all(
    venueProcs.map((p, i) => {
      p.send({ type: 'stats', id: i });
      return p.next('stats');
    }),
  ));
  const admin = await login(baseUrl, 'admin');
  const media = await api<{ placement: { workerPid: number; venueIds: string[] }[]; venues: { activeConsumers: number; consumers: number }[] }>(
    baseUrl, admin.token, 'GET', `/api/admin/meetings/${meetingId}/media`,
  );

  const drops = udpDropsByPid([...workerPids, ...clientPids]);
  const all = venueStats.flatMap((s) => s.stats);
  const totals = sumStats(all);
  const steady = cpuBetween(cpuSteadyStart, cpuSteadyEnd);
  const join = cpuBetween(cpuJoinStart, cpuJoinEnd);
  const byWorker = (cpu: ReturnType<typeof cpuBetween>) => Object.fromEntries(workerPids.map((pid, i) => [String(i), cpu.perPid.get(pid) ?? null]));
  const sumOf = (cpu: ReturnType<typeof cpuBetween>, pids: number[]) => round(pids.reduce((a, pid) => a + (cpu.perPid.get(pid) ?? 0), 0), 1);
  // CPU the machine spent outside this benchmark's processes (other work sharing the 2 cores), % of one core.
  const othersOf = (cpu: ReturnType<typeof cpuBetween>) => round(Math.max(0, cpu.machineBusyPct * os.availableParallelism() - sumOf(cpu, allPids)), 1);
  // A command that some venue never applied within 3 s counts as slower than every applied one.
  const applied = [...samples.broadcast, ...samples.muteAll].map((s) => s.all_ms ?? Infinity);
  const commandFailures = [...samples.broadcast, ...samples.muteAll, ...samples.unmute].filter((s) => s.all_ms === null).length;
  const consumersPerWorker = Object.fromEntries(server.sfu.workers.map((w) => [String(w.index), w.consumers]));

  const results = {
    all_joined_s: allJoinedS,
    command_apply_ms_p50: finiteOrNull(percentile(applied, 50)),
    command_apply_ms_p95: finiteOrNull(percentile(applied, 95)),
    consumers_per_worker: consumersPerWorker,
    worker_cpu_pct: byWorker(steady),
    server_rss_mb: mb(rssBytes(started.pid)),
    venues_without_media: withoutMedia.length,
    packets_lost: totals.packetsLost,
    details: {
      venues: invited.length,
      invited_offline: offline,
      venues_not_ready: notReady,
      join: {
        venue_ready_s_p50: round(percentile(readyTimes, 50) / 1000, 2),
        venue_ready_s_p95: round(percentile(readyTimes, 95) / 1000, 2),
        join_ack_s_p50: round(percentile([...joinedAt.values()].map((t) => t - go), 50) / 1000, 2),
        cpu_window_s: join.seconds,
        worker_cpu_pct: byWorker(join),
        server_cpu_pct: join.perPid.get(started.pid) ?? null,
        venue_processes_cpu_pct: sumOf(join, clientPids),
        machine_busy_pct: join.machineBusyPct,
        hypervisor_steal_pct: join.stealPct,
        other_processes_cpu_pct: othersOf(join),
      },
      commands: {
        samples_in_percentiles: applied.length,
        note: 'a command some venue did not apply within 3 s counts as slower than all others; a percentile falling on one is null',
        failures: commandFailures,
        broadcast: stat(samples.broadcast),
        mute_all: stat(samples.muteAll),
        unmute_floor: stat(samples.unmute),
        samples: samples,
      },
      steady_window: {
        seconds: steady.seconds,
        worker_cpu_pct: byWorker(steady),
        server_cpu_pct: steady.perPid.get(started.pid) ?? null,
        redis_cpu_pct: sumOf(steady, redisPids),
        venue_processes_cpu_pct: sumOf(steady, clientPids),
        machine_busy_pct: steady.machineBusyPct,
        hypervisor_steal_pct: steady.stealPct,
        other_processes_cpu_pct: othersOf(steady),
      },
      memory_mb: {
        server_rss: mb(rssBytes(started.pid)),
        server_heap_used: mb(server.heapUsedBytes),
        workers_rss: workerPids.map((pid) => mb(rssBytes(pid))),
        redis_rss: redisPids.map((pid) => mb(rssBytes(pid))),
        venue_processes_rss: clientPids.map((pid) => mb(rssBytes(pid))),
      },
      sfu: server.sfu,
      placement: media.body.placement.map((w) => ({ workerPid: w.workerPid, venues: w.venueIds.length })),
      active_consumers: media.body.venues.reduce((a, v) => a + v.activeConsumers, 0),
      media: {
        ...totals,
        loss_pct: round((totals.packetsLost / Math.max(1, totals.packetsLost + totals.packetsReceived)) * 100, 3),
        srtp_profiles: [...new Set(all.map((s) => s.srtpProfile))],
        // Datagrams the kernel dropped at full socket receive buffers (the workers' WebRtcServer
        // sockets use the default buffer size; the venues' sockets have 1 MiB).
        udp_receive_buffer_drops: {
          workers: workerPids.map((pid) => drops.get(pid) ?? null),
          venue_processes: clientPids.map((pid) => drops.get(pid) ?? null),
        },
        venue_process_event_loop_lag_ms: venueStats.map((s) => s.lagMs),
      },
      without_media: withoutMedia,
      errors: failures,
    },
    method: [
      '131 synthetic venues (bench/lib/SyntheticVenue.ts) in separate processes from the system under test: the console signalling flow over socket.io; per venue a send and a receive transport, each a UDP socket doing ICE (controlling, USE-CANDIDATE) against the mediasoup WebRtcServer, a DTLS 1.2 handshake (werift DtlsClient, fingerprints checked) and DTLS-SRTP.',
      'Camera: VP8 simulcast, three SSRCs (160x120 150 kbit/s, 320x240 400 kbit/s, 640x480 1.2 Mbit/s at 20 fps, the console settings) replayed from a testsrc2 clip encoded once by ffmpeg; a PLI/FIR restarts that layer at its keyframe at the next frame; a NACK resends the kept packet. Microphone: Opus 32 kbit/s, 20 ms packets. Each venue has its own SSRCs, sequence numbers, timestamps and SRTP keys. Like the console, a venue follows the server\'s producer.demand (dynacast): camera layers above the highest one anybody receives are not sent (the lowest always is), and a microphone the server holds paused sends nothing.',
      'Receiving is RTP arriving on the consumer SSRC the server announced; SRTP authentication (AES-GCM tag) is checked on the first packet of every consumer, on every packet a measurement uses, and on 1 in --verify-every packets otherwise; a packet failing it is not counted. The venues advertise no transport-cc/REMB, so the SFU forwards the layer each pane asks for without bandwidth estimation.',
      `all_joined_s: from the moment all ${invited.length} logged-in venues send meeting.join at once until the last one is receiving what its screen and loudspeaker should play with everyone present: a branch venue the chair venue's camera and microphone (shown while there is no broadcast), the chair venue the nine venues of its 3x3 polling page.`,
      'command_apply_ms: from the chair venue sending chair.command until the last of the 131 venues has applied it. Broadcast: meeting.state with the new broadcast received and RTP of that venue\'s camera arriving: on the programme stream (the server-switched picture every branch venue plays), a packet whose CSRC is one of that venue\'s camera SSRCs (the broadcast venue itself: RTP of the chair venue\'s camera; the chair venue, whose screen is its 3x3 view: the state). Mute all: meeting.state received and the RTP of the venues that had the floor stopped (time of their last packet; checked silent 300 ms, or its consumer closed by the server). p50/p95 over the broadcast and mute-all commands; unmute (giving three venues the floor: state + their audio arriving) is reported apart.',
      `Polling: the chair view polls the other 130 venues, 3x3, every ${POLLING_INTERVAL_S} s; broadcast switches are chair broadcast commands every ~4 s, as the control allows one polling at a time. Unmute-all is not exercised: even with the media policy forwarding at most 8 voices per venue it adds about 131 x 8 x 50 = 52k audio packets/s, beyond this 2-core machine with its load clients.`,
      'worker_cpu_pct: per mediasoup worker from /proc/<pid>/stat over the command phase (steady media plus commands), 100 = one core; details.join has the join window. server_rss_mb: RSS of the signalling server process alone (workers, Redis and venue processes are separate processes, listed in details.memory_mb).',
    ],
    settings: { processes: PROCESSES, cycles: CYCLES, verify_every: VERIFY_EVERY, polling_interval_s: POLLING_INTERVAL_S, clip: CONSOLE_CLIP },
    machine: { cores: os.availableParallelism(), memory_gb: Math.round(os.totalmem() / 2 ** 30), load_average_at_start: loadAtStart, busy_pct_before_start: busyBefore, net_core_rmem_default: readFileSync('/proc/sys/net/core/rmem_default', 'utf8').trim() },
  };

  log(`all_joined_s=${results.all_joined_s} command_apply_ms_p50=${results.command_apply_ms_p50} command_apply_ms_p95=${results.command_apply_ms_p95}`);
  log(`consumers_per_worker=${JSON.stringify(results.consumers_per_worker)} worker_cpu_pct=${JSON.stringify(results.worker_cpu_pct)} server_rss_mb=${results.server_rss_mb}`);
  log(`udp_receive_buffer_drops=${JSON.stringify(results.details.media.udp_receive_buffer_drops)} event_loop_lag=${JSON.stringify(results.details.media.venue_process_event_loop_lag_ms)}`);
  log(`venues_without_media=${results.venues_without_media} packets_lost=${results.packets_lost} (${results.details.media.loss_pct} %) server_cpu_pct=${results.details.steady_window.server_cpu_pct} venue_processes_cpu_pct=${results.details.steady_window.venue_processes_cpu_pct} machine_busy_pct=${results.details.steady_window.machine_busy_pct} steal_pct=${results.details.steady_window.hypervisor_steal_pct} other_processes_cpu_pct=${results.details.steady_window.other_processes_cpu_pct}`);
  const file = await writeResults('fullnet', results);
  log(`wrote ${file}`);
} finally {
  await Promise.all(
    venueProcs.map(async (p) => {
      if (p.child.exitCode !== null) return;
      const exited = new Promise((r) => p.child.once('exit', r));
      p.send({ type: 'close' });
      await Promise.race([exited, sleep(5000)]);
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }),
  );
  if (stack.child.exitCode === null) {
    const exited = new Promise((r) => stack.child.once('exit', r));
    stack.send({ type: 'close' });
    await Promise.race([exited, sleep(15_000)]);
    if (stack.child.exitCode === null) stack.child.kill('SIGKILL');
  }
}

interface CommandSample {
  command: string;
  all_ms: number | null;
  state_all_ms: number | null;
  new_consumers: number;
  consumer_offered_all_ms: number | null;
  venue_p50_ms: number;
  ack_ms: number;
  failed: string[];
  /** The three venues that applied it last: venue, then ms to state / consumer offered / applied. */
  slowest: string[];
}

function summarise(watch: Watch, results: WatchResult[], at: number, ackAt: number): CommandSample {
  const applied = results.filter((r) => r.appliedAt !== null).map((r) => r.appliedAt! - at);
  const states = results.filter((r) => r.stateAt !== null).map((r) => r.stateAt! - at);
  const offers = results.filter((r) => r.consumerAt !== null).map((r) => r.consumerAt! - at);
  const failed = results.filter((r) => r.appliedAt === null).map((r) => `${r.venueId} ${r.reason}`);
  return {
    command: describe(watch),
    all_ms: failed.length ? null : round(Math.max(...applied), 1),
    state_all_ms: states.length === results.length ? round(Math.max(...states), 1) : null,
    // Venues that needed a new consumer (first time they receive that venue), and when the last was offered.
    new_consumers: offers.length,
    consumer_offered_all_ms: offers.length ? round(Math.max(...offers), 1) : null,
    venue_p50_ms: round(percentile(applied, 50), 1),
    ack_ms: round(ackAt - at, 1),
    failed,
    slowest: results
      .filter((r) => r.appliedAt !== null)
      .sort((a, b) => b.appliedAt! - a.appliedAt!)
      .slice(0, 3)
      .map((r) => `${r.venueId} ${[r.stateAt, r.consumerAt, r.appliedAt].map((t) => (t === null ? '-' : round(t - at, 0))).join('/')}`),
  };
}

/** null: the percentile falls on a command not applied everywhere within 3 s. */
function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function stat(list: CommandSample[]) {
  const all = list.map((s) => s.all_ms ?? Infinity);
  const ok = all.filter((x) => Number.isFinite(x));
  const state = list.map((s) => s.state_all_ms).filter((x): x is number => x !== null);
  return {
    p50_ms: finiteOrNull(percentile(all, 50)),
    p95_ms: finiteOrNull(percentile(all, 95)),
    max_applied_ms: ok.length ? Math.max(...ok) : null,
    state_to_all_p50_ms: percentile(state, 50),
    failed_commands: list.length - ok.length,
  };
}

function describe(watch: Watch): string {
  return watch.kind === 'broadcast' ? `broadcast ${watch.venueId}` : `${watch.kind} ${watch.venueIds.join(',')}`;
}

async function mediaChecks(procs: Channel<FromVenueProcess, ToVenueProcess>[]) {
  const replies = await Promise.all(
    procs.map((p, i) => {
      p.send({ type: 'check', id: i });
      return p.next('checked');
    }),
  );
  return replies.flatMap((r) => r.results);
}

function sumStats(all: VenueStats[]) {
  const sum = (f: (s: VenueStats) => number) => all.reduce((a, s) => a + f(s), 0);
  return {
    packetsSent: sum((s) => s.packetsSent),
    packetsReceived: sum((s) => s.packetsReceived),
    packetsLost: sum((s) => s.packetsLost),
    srtpVerified: sum((s) => s.srtpVerified),
    srtpFailures: sum((s) => s.srtpFailures),
    unknownSsrcPackets: sum((s) => s.unknownSsrcPackets),
    keyframeRequests: sum((s) => s.keyframeRequests),
    retransmitted: sum((s) => s.retransmitted),
    pacerLateMs: round(sum((s) => s.pacerLateMs), 0),
    sendErrors: sum((s) => s.sendErrors),
    consumers: sum((s) => s.consumers),
    signallingErrors: sum((s) => s.signallingErrors),
    lastErrors: all.map((s) => s.lastError && `${s.venueId}: ${s.lastError}`).filter(Boolean).slice(0, 5),
  };
}

function positiveInt(value: string | undefined, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number`);
  return n;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function mb(bytes: number): number {
  return round(bytes / 2 ** 20, 1);
}

