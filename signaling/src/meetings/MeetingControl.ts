import { EnhancedEventEmitter, getLogger, KeyedQueue, type Logger } from '../../../sfu/src/index.ts';
import { initialControlState, type ChairCommand, type ControlState, type Meeting } from '../protocol/index.ts';
import type { ControlStore } from '../store/ControlStore.ts';
import { advancePolling, applyChairCommand, applyHand } from './controlReducer.ts';

export type MeetingControlEvents = {
  /** The state changed (already persisted). */
  changed: [state: ControlState];
};

/** Voice-activated switching holds a speaker on the broadcast at least this long. */
const VOICE_SWITCH_HOLD_MS = 2000;

/**
 * The chair's control of one running meeting: the persisted state, commands applied one at a time,
 * the polling timer and voice-activated switching. Every change is written to Redis before it is
 * announced, so a restarted server continues with the same layout, broadcast and mute state.
 */
export class MeetingControl extends EnhancedEventEmitter<MeetingControlEvents> {
  readonly #meeting: Meeting;
  readonly #store: ControlStore;
  readonly #queue = new KeyedQueue();
  readonly #logger: Logger;
  #state: ControlState;
  #pollTimer: NodeJS.Timeout | undefined;
  #lastVoiceSwitch = 0;
  #closed = false;

  static async create(options: { meeting: Meeting; store: ControlStore }): Promise<MeetingControl> {
    const stored = await options.store.get(options.meeting.id);
    const state =
      stored ??
      initialControlState({
        muteOnJoin: options.meeting.muteOnJoin,
        invited: options.meeting.invitedVenueIds,
        chairVenueId: options.meeting.chairVenueId,
      });
    if (!stored) await options.store.put(options.meeting.id, state);
    return new MeetingControl(options.meeting, options.store, state);
  }

  private constructor(meeting: Meeting, store: ControlStore, state: ControlState) {
    super();
    this.#meeting = meeting;
    this.#store = store;
    this.#state = state;
    this.#logger = getLogger('MeetingControl', { meetingId: meeting.id });
    this.#schedulePolling();
  }

  get state(): ControlState {
    return this.#state;
  }

  /**
   * Applies a chair command; resolves with the new state once it is stored and announced.
   * `speaker` is the venue speaking now (voice-activated switching starts with it).
   */
  async command(command: ChairCommand, options: { speaker?: string } = {}): Promise<ControlState> {
    return this.#update((state) => {
      const next = applyChairCommand(state, command, {
        chairVenueId: this.#meeting.chairVenueId,
        invited: this.#meeting.invitedVenueIds,
        now: Date.now(),
        speaker: options.speaker,
      });
      if (next.voiceActivated && next.broadcast !== state.broadcast) this.#lastVoiceSwitch = Date.now();
      return next;
    });
  }

  async hand(venueId: string, raised: boolean): Promise<ControlState> {
    return this.#update((state) => applyHand(state, venueId, raised));
  }

  /** The dominant speaker changed: with voice-activated switching on, broadcast that venue. */
  async activeSpeaker(venueId: string): Promise<void> {
    const s = this.#state;
    if (!s.voiceActivated || s.rollCall || s.layout || s.broadcast === venueId) return;
    if (Date.now() - this.#lastVoiceSwitch < VOICE_SWITCH_HOLD_MS) return;
    this.#lastVoiceSwitch = Date.now();
    await this.#update((state) =>
      state.voiceActivated && !state.rollCall && !state.layout ? { ...state, version: state.version + 1, broadcast: venueId } : state,
    );
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#pollTimer);
    this.#pollTimer = undefined;
  }

  async #update(change: (state: ControlState) => ControlState): Promise<ControlState> {
    return this.#queue.push('state', async () => {
      const next = change(this.#state);
      if (next === this.#state) return next;
      await this.#store.put(this.#meeting.id, next);
      const pollingChanged = next.polling !== this.#state.polling;
      this.#state = next;
      if (pollingChanged) this.#schedulePolling();
      this.safeEmit('changed', next);
      return next;
    });
  }

  #schedulePolling(): void {
    clearTimeout(this.#pollTimer);
    this.#pollTimer = undefined;
    const polling = this.#state.polling;
    if (this.#closed || !polling || polling.paused) return;
    const due = Math.max(0, polling.shownAt + polling.intervalS * 1000 - Date.now());
    this.#pollTimer = setTimeout(() => {
      this.#pollTimer = undefined;
      this.#update((state) => advancePolling(state, { now: Date.now() })).catch((err: unknown) => {
        this.#logger.error({ err }, 'polling step failed');
        this.#schedulePolling();
      });
    }, due);
  }
}
