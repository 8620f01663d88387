// A process hosting a share of the fullnet benchmark's synthetic venues (forked by
// bench/fullnet.ts; it talks to the orchestrator over Node IPC only). One pacer per process sends
// every venue's due media every few milliseconds.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadClip } from './clip.ts';
import { createCertificate } from './MediaLink.ts';
import { now, type FromVenueProcess, type ToVenueProcess } from './messages.ts';
import { SyntheticVenue } from './SyntheticVenue.ts';

const PACER_TICK_MS = 2;

const venues = new Map<string, SyntheticVenue>();
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
let pacer: NodeJS.Timeout | undefined;

function send(message: FromVenueProcess): void {
  process.send?.(message);
}

async function init(message: Extract<ToVenueProcess, { type: 'init' }>): Promise<void> {
  const clip = await loadClip(message.clipDir);
  const cert = await createCertificate();
  // Consoles already logged in and connected, sitting on the meeting list.
  await Promise.all(
    message.venueIds.map(async (venueId) => {
      const venue = await SyntheticVenue.create({
        baseUrl: message.baseUrl,
        venueId,
        meetingId: message.meetingId,
        clip,
        cert,
        now,
        verifyEvery: message.verifyEvery,
        expectedPresent: message.expectedPresent,
        onJoined: (at, cameraSsrcs) => send({ type: 'joined', venueId, at, cameraSsrcs }),
        onReady: (at) => send({ type: 'ready', venueId, at }),
      });
      venues.set(venueId, venue);
    }),
  );
  pacer = setInterval(() => {
    const t = now();
    for (const venue of venues.values()) venue.tick(t);
  }, PACER_TICK_MS);
  loopDelay.enable();
  send({ type: 'prepared', pid: process.pid });
}

async function handle(message: ToVenueProcess): Promise<void> {
  switch (message.type) {
    case 'init':
      return init(message);
    case 'join':
      for (const venue of venues.values()) {
        venue.join().catch((error: unknown) => send({ type: 'failed', venueId: venue.venueId, error: String(error) }));
      }
      return;
    case 'command': {
      const venue = venues.get(message.venueId);
      if (!venue) throw new Error(`venue ${message.venueId} is not in this process`);
      try {
        const { at, ackAt } = await venue.command(message.command);
        send({ type: 'commandSent', id: message.id, at, ackAt });
      } catch (error) {
        send({ type: 'commandSent', id: message.id, at: now(), ackAt: now(), error: String(error) });
      }
      return;
    }
    case 'arm': {
      const at = now();
      for (const venue of venues.values()) venue.arm(message.id, message.watch, at);
      send({ type: 'armed', id: message.id });
      return;
    }
    case 'collect': {
      const results = await Promise.all([...venues.values()].map((v) => v.collect(message.id, message.deadline)));
      send({ type: 'collected', id: message.id, results });
      return;
    }
    case 'check': {
      const t = now();
      send({ type: 'checked', id: message.id, results: [...venues.values()].map((v) => v.mediaCheck(t)) });
      return;
    }
    case 'stats': {
      const ms = (ns: number) => Math.round(ns / 1e4) / 100;
      send({
        type: 'stats',
        id: message.id,
        stats: [...venues.values()].map((v) => v.stats()),
        lagMs: { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) },
      });
      return;
    }
    case 'close':
      clearInterval(pacer);
      loopDelay.disable();
      for (const venue of venues.values()) venue.close();
      venues.clear();
      process.disconnect();
      return;
  }
}

// The orchestrator is this bench's own parent process (not a trust boundary): its messages are
// the ToVenueProcess union it was compiled with.
process.on('message', (message) => {
  handle(message as ToVenueProcess).catch((error: unknown) => {
    send({ type: 'failed', venueId: '*', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  });
});
