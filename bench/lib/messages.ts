// Messages between the fullnet orchestrator and its venue processes (Node IPC). Times are
// milliseconds of the shared monotonic clock (`now()`), comparable across processes.
import type { ChairCommand } from '../../signaling/src/protocol/index.ts';

/** CLOCK_MONOTONIC in milliseconds: the same clock in every process of the machine. */
export function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * What a chair command should change at one venue, and so what "applied" means there:
 * - broadcast: `meeting.state` shows the venue as broadcast, and RTP of that venue's camera
 *   arrives: on the programme stream, a packet naming one of its camera's SSRCs as CSRC (the
 *   broadcast venue itself: RTP of the chair venue's camera, which it shows instead; the chair
 *   venue's screen is its own 3×3 view, so there only the state counts);
 * - unmute: `meeting.state` shows the venues unmuted, and RTP of their microphones arrives;
 * - muteAll: `meeting.state` shows them muted, and RTP of their microphones has stopped (the
 *   time of applying is the arrival of the last packet, checked silent afterwards).
 */
export type Watch =
  /** cameraSsrcs: the broadcast venue's camera SSRCs, which the programme stream names as its CSRC. */
  | { kind: 'broadcast'; venueId: string; cameraSsrcs: number[] }
  | { kind: 'unmute'; venueIds: string[] }
  | { kind: 'muteAll'; venueIds: string[] };

export interface WatchResult {
  venueId: string;
  /** When the venue had applied the command, or null (with the reason) if it never did. */
  appliedAt: number | null;
  stateAt: number | null;
  /** When the server offered a new consumer of the awaited media (null: an existing one was resumed). */
  consumerAt: number | null;
  reason?: string;
}

export interface MediaCheck {
  venueId: string;
  ok: boolean;
  missing: string[];
}

export interface VenueStats {
  venueId: string;
  packetsReceived: number;
  packetsLost: number;
  srtpVerified: number;
  srtpFailures: number;
  unknownSsrcPackets: number;
  packetsSent: number;
  keyframeRequests: number;
  /** Video packets sent again on the SFU's NACKs. */
  retransmitted: number;
  pacerLateMs: number;
  sendErrors: number;
  consumers: number;
  srtpProfile: number | null;
  signallingErrors: number;
  lastError: string | null;
}

export type ToVenueProcess =
  | {
      type: 'init';
      baseUrl: string;
      meetingId: string;
      venueIds: string[];
      expectedPresent: number;
      clipDir: string;
      verifyEvery: number;
    }
  | { type: 'join' }
  | { type: 'command'; id: number; venueId: string; command: ChairCommand }
  | { type: 'arm'; id: number; watch: Watch }
  | { type: 'collect'; id: number; deadline: number }
  | { type: 'check'; id: number }
  | { type: 'stats'; id: number }
  | { type: 'close' };

export type FromVenueProcess =
  | { type: 'prepared'; pid: number }
  | { type: 'joined'; venueId: string; at: number; cameraSsrcs: number[] }
  | { type: 'ready'; venueId: string; at: number }
  | { type: 'failed'; venueId: string; error: string }
  | { type: 'commandSent'; id: number; at: number; ackAt: number; error?: string }
  | { type: 'armed'; id: number }
  | { type: 'collected'; id: number; results: WatchResult[] }
  | { type: 'checked'; id: number; results: MediaCheck[] }
  | { type: 'stats'; id: number; stats: VenueStats[]; lagMs: { p50: number; p99: number; max: number } };
