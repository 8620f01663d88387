// npm run bench -- recording [SECONDS]: one 1280×720 composite (2×2) of four venues, each sending
// a 640×480 20 fps VP8 camera (ffmpeg's busy testsrc2 picture) and Opus sound into a real
// mediasoup router, recorded by the recorder with its product configuration (decoders,
// compositor, H.264/AAC HLS encoder). Over SECONDS (default 30) after a warm-up it measures:
// - CPU, % of one core, from /proc/<pid>/stat: the recorder's ffmpeg processes, and this Node
//   process's main thread (compositor, mixer, clock, pipes);
// - memory: the largest sum of the ffmpeg processes' RSS (and PSS);
// - live latency: each camera flashes white on a forced key frame every 2.35 s; mediasoup's
//   trace event times that key frame entering the SFU; the flash is found in the recording pane
//   by pane; the moment its segment was listed in the playlist is when it became playable at the
//   live edge;
// - A/V offset: the first camera beeps with its flash; beep vs flash in the recording.
// Writes bench/results/recording.json.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { configureLogging } from '../sfu/src/index.ts';
import { parsePlaylist } from '../recorder/src/HlsPlaylist.ts';
import { paneRects } from '../recorder/src/layouts.ts';
import { PortAllocator } from '../recorder/src/PortAllocator.ts';
import { Recording } from '../recorder/src/Recording.ts';
import { MemoryRecordingStore } from '../recorder/src/RecordingStore.ts';
import { readRecorderConfig } from '../recorder/src/config.ts';
import { COLOURS, sleep, startMedia, waitFor } from '../recorder/src/testing/harness.ts';
import { RtpSource } from '../recorder/src/testing/RtpSource.ts';
import { TestSource } from '../recorder/src/testing/TestSource.ts';
import { percentile, writeResults } from './stats.ts';

const measureS = Number(process.argv[2] ?? 30);
if (!Number.isFinite(measureS) || measureS < 20) throw new Error('SECONDS must be at least 20');
// 2.35 s at 20 fps: not a multiple of the 1 s segment, so flashes fall at every point of a segment.
const MARKER_FRAMES = 47;
const WARM_UP_MS = 4000;
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

const media = await startMedia();
configureLogging({ level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'error' });
// The product's configuration (RECORDER_* variables may override it), in a temporary folder.
const outputDir = await mkdtemp(path.join(os.tmpdir(), 'yilian-bench-rec-'));
const config = readRecorderConfig({ ...process.env, RECORDING_DIR: outputDir });
const cleanUp = () => rm(outputDir, { recursive: true, force: true });
const venues = await Promise.all(
  Object.values(COLOURS).map((colour, i) =>
    RtpSource.create({
      router: media.router,
      colour,
      pattern: 'testsrc2',
      width: 640,
      height: 480,
      fps: 20,
      gop: MARKER_FRAMES,
      markerEvery: MARKER_FRAMES,
      markerBeep: i === 0,
      toneHz: 300 + 100 * i,
    }),
  ),
);
/** Wall-clock times at which each camera's marker key frames entered the SFU. */
const keyFrames: number[][] = venues.map(() => []);
await Promise.all(
  venues.map(async (v, i) => {
    await v.video.enableTraceEvent(['keyframe']);
    v.video.on('trace', (trace) => {
      if (trace.type === 'keyframe') keyFrames[i]!.push(Date.now());
    });
  }),
);

const panes = venues.map((v) => v.video.id);
const source = new TestSource({ kind: '2x2', panes }, venues.map((v) => ({ producerId: v.audio!.id, audible: true })));
const recording = await Recording.create({
  id: 'bench',
  meetingId: 'bench',
  source,
  createTap: media.createTap,
  store: new MemoryRecordingStore(),
  config,
  ports: new PortAllocator({ ip: config.rtpIp, min: config.portMin, max: config.portMax }),
});
const appendedAt = new Map<string, number>();
recording.on('segment', (entry) => appendedAt.set(entry.file, Date.now()));
const load = [os.loadavg()[0]!];

await waitFor('all four venues on the programme', () => recording.showing.panes.every(Boolean), 20_000);
await sleep(WARM_UP_MS);

// --- CPU and memory over the measurement window ---------------------------------------------
const ticks = (pid: number, task = '') => {
  const fields = readFileSync(`/proc/${pid}${task}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
};
/** This process's main thread only: the recorder's JavaScript, not libuv's or tsx's threads. */
const mainThreadTicks = () => ticks(process.pid, `/task/${process.pid}`);
const kb = (pid: number, file: 'status' | 'smaps_rollup', key: string) =>
  Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/${file}`, 'utf8'))?.[1] ?? 0);
const roles = () => {
  const { encoder, video, audio } = recording.pids;
  return { encoder: encoder ? [encoder] : [], video, audio };
};
const startTicks = new Map<number, number>();
const lastTicks = new Map<number, number>();
const roleOf = new Map<number, string>();
const rss: number[] = [];
const backlog: number[] = [];
const loads: number[] = [];
const pss: number[] = [];
const rssByRole: Record<string, number[]> = { encoder: [], video: [], audio: [] };
const workerStart = ticks(media.worker.pid);
const nodeStart = mainThreadTicks();
const nodeUsageStart = process.cpuUsage();
const windowStart = performance.now();
const framesBefore = recording.stats;
for (let sample = 0; performance.now() - windowStart < measureS * 1000; sample++) {
  let rssSum = 0;
  let pssSum = 0;
  // PSS makes the kernel walk page tables (charged to us): sample it now and then only.
  const withPss = sample % 10 === 5;
  for (const [role, pids] of Object.entries(roles())) {
    let roleRss = 0;
    for (const pid of pids) {
      roleOf.set(pid, role);
      const t = ticks(pid);
      if (!startTicks.has(pid)) startTicks.set(pid, t);
      lastTicks.set(pid, t);
      roleRss += kb(pid, 'status', 'VmRSS');
      if (withPss) pssSum += kb(pid, 'smaps_rollup', 'Pss');
    }
    rssByRole[role]!.push(roleRss / 1024);
    rssSum += roleRss;
  }
  rss.push(rssSum / 1024);
  backlog.push(recording.stats.encoderBacklogFrames);
  loads.push(os.loadavg()[0]!);
  if (withPss) pss.push(pssSum / 1024);
  await sleep(1000);
}
const windowS = (performance.now() - windowStart) / 1000;
for (const pid of lastTicks.keys()) {
  try {
    lastTicks.set(pid, ticks(pid));
  } catch {
    // Exited during the window: its last sample stands.
  }
}
const pct = (t: number) => Math.round(((t / CLK_TCK) / windowS) * 1000) / 10;
const cpuByRole: Record<string, number> = { encoder: 0, video: 0, audio: 0 };
for (const [pid, start] of startTicks) cpuByRole[roleOf.get(pid)!]! += lastTicks.get(pid)! - start;
const nodeCpuPct = pct(mainThreadTicks() - nodeStart);
const nodeUsage = process.cpuUsage(nodeUsageStart);
const nodeProcessCpuPct = Math.round(((nodeUsage.user + nodeUsage.system) / 1e6 / windowS) * 1000) / 10;
const workerCpuPct = pct(ticks(media.worker.pid) - workerStart);
const framesAfter = recording.stats;
load.push(os.loadavg()[0]!);
const info = await recording.stop();

// --- Latency and A/V sync from the recording ---------------------------------------------------
const entries = parsePlaylist(await readFile(path.join(recording.dir, 'index.m3u8'), 'utf8')).entries;
const mp4 = path.join(recording.dir, 'recording.mp4');
const W = 64;
const H = 36;
const gray = execFileSync('ffmpeg', ['-v', 'error', '-i', mp4, '-vf', `scale=${W}:${H}:flags=area,format=gray`, '-f', 'rawvideo', '-'], { maxBuffer: 1 << 28 });
const rects = paneRects('2x2', W, H).map((r) => ({ ...r, x: r.x + 4, w: r.w - 8 })); // the 4:3 picture, not the side bars
const flashes: { pane: number; t: number }[] = [];
rects.forEach((r, pane) => {
  let was = false;
  for (let n = 0; n * W * H < gray.length; n++) {
    let sum = 0;
    for (let y = r.y; y < r.y + r.h; y++) for (let x = r.x; x < r.x + r.w; x++) sum += gray[n * W * H + y * W + x]!;
    const white = sum / (r.w * r.h) > 200;
    if (white && !was) flashes.push({ pane, t: n / config.fps });
    was = white;
  }
});
const pcm = execFileSync('ffmpeg', ['-v', 'error', '-i', mp4, '-vn', '-f', 's16le', '-ac', '1', '-ar', '48000', '-'], { maxBuffer: 1 << 28 });
const beeps: number[] = [];
let quietFor = Infinity;
for (let i = 0; i + 96 <= pcm.length / 2; i += 96) {
  let peak = 0;
  for (let j = i; j < i + 96; j++) peak = Math.max(peak, Math.abs(pcm.readInt16LE(j * 2)));
  if (peak > 0.3 * 32767 && quietFor > 0.2) beeps.push(i / 48000);
  quietFor = peak > 0.12 * 32767 ? 0 : quietFor + 96 / 48000;
}
let cumulative = 0;
const timeline = entries.map((e) => {
  const seg = { ...e, start: cumulative, pdt: Date.parse(e.programDateTime) };
  cumulative += e.duration;
  return seg;
});
const markerKeyFrames = keyFrames.map((list) => list.filter((t, i) => i === 0 || t - list[i - 1]! > 1000));
const latencies: number[] = [];
const compositeDelays: number[] = [];
for (const flash of flashes) {
  const seg = timeline.find((s) => flash.t >= s.start && flash.t < s.start + s.duration);
  const appended = seg && appendedAt.get(seg.file);
  if (!seg || !appended) continue;
  const wall = seg.pdt + (flash.t - seg.start) * 1000;
  const entered = markerKeyFrames[flash.pane]!.filter((t) => t <= wall + 50 && t >= wall - 2000).at(-1);
  if (entered === undefined) continue;
  latencies.push((appended - entered) / 1000);
  compositeDelays.push((wall - entered) / 1000);
}
const avOffsetsMs = flashes
  .filter((f) => f.pane === 0)
  .map((f) => beeps.reduce((best, b) => (Math.abs(b - f.t) < Math.abs(best) ? b - f.t : best), Infinity) * 1000)
  .filter((o) => Math.abs(o) < 500);

await Promise.all(venues.map((v) => v.close()));
await media.close();
await cleanUp();

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
const cpuTotal = round(Object.values(cpuByRole).reduce((a, b) => a + b, 0) / CLK_TCK / windowS * 100, 1);
const results = {
  // One recording's whole cost: its ffmpeg processes and the Node thread that composes the picture.
  recording_cpu_pct: round(cpuTotal + nodeCpuPct, 1),
  recording_ffmpeg_cpu_pct: cpuTotal,
  recording_rss_mb: round(Math.max(...rss), 1),
  live_latency_s: round(Math.max(...latencies)),
  breakdown: {
    cpu_pct: Object.fromEntries(Object.entries(cpuByRole).map(([role, t]) => [role, pct(t)])),
    rss_mb_max: Object.fromEntries(Object.entries(rssByRole).map(([role, list]) => [role, round(Math.max(...list), 1)])),
    recording_pss_mb: round(Math.max(...pss), 1),
    node_main_thread_cpu_pct: nodeCpuPct,
    node_process_cpu_pct: nodeProcessCpuPct,
    node_process_rss_mb: round(process.memoryUsage().rss / 2 ** 20, 1),
    mediasoup_worker_cpu_pct: workerCpuPct,
  },
  latency: {
    samples: latencies.length,
    live_latency_p50_s: round(percentile(latencies, 50)),
    live_latency_p95_s: round(percentile(latencies, 95)),
    live_latency_max_s: round(Math.max(...latencies)),
    sfu_to_composite_p50_s: round(percentile(compositeDelays, 50)),
    // Positive: the sound comes after the picture.
    av_offset_ms: {
      samples: avOffsetsMs.length,
      p50: round(percentile(avOffsetsMs, 50), 0),
      min: round(Math.min(...avOffsetsMs), 0),
      max: round(Math.max(...avOffsetsMs), 0),
    },
  },
  frames: {
    written: framesAfter.framesWritten - framesBefore.framesWritten,
    repeated: framesAfter.framesRepeated - framesBefore.framesRepeated,
    dropped: framesAfter.framesDropped - framesBefore.framesDropped,
    encoder_backlog_max: Math.max(...backlog),
  },
  recorded_s: info.durationS,
  measured_s: round(windowS, 1),
  config: { width: config.width, height: config.height, fps: config.fps, x264_preset: config.x264Preset, video_kbps: config.videoBitrateKbps, segment_s: config.segmentSeconds },
  machine: { cores: os.availableParallelism(), memory_gb: Math.round(os.totalmem() / 2 ** 30), load_avg_1m: { before: round(load[0]!), max_during: round(Math.max(...loads)), after: round(load[1]!) } },
  method:
    'CPU: utime+stime of the recorder ffmpeg processes (encoder, video decoder, audio decoder) from /proc/<pid>/stat over the window, % of one core ' +
    'plus the Node main thread that composes the picture (compositor, mixer, clock, pipes) = recording_cpu_pct; recording_ffmpeg_cpu_pct is the ffmpeg share alone; ' +
    'RSS: largest sum of their VmRSS (shared library pages counted in each process; PSS counts them once). ' +
    'Live latency: every 2.35 s each camera flashes white on a forced key frame; mediasoup trace events time its entry into the SFU; ' +
    'the flash is found in the recording pane by pane and mapped to its segment; latency = time that segment was listed in the playlist ' +
    '(playable at the live edge) minus SFU entry; reported as the worst sample. A player starting at EXT-X-START (-2 s) adds its own buffer.',
};
process.stdout.write(JSON.stringify(results, null, 2) + '\n');
process.stdout.write(`wrote ${await writeResults('recording', results)}\n`);
