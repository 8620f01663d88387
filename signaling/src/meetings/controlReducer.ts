import { badRequest, conflict } from '../errors.ts';
import { pollingPage, type ChairCommand, type ControlState } from '../protocol/index.ts';

export interface CommandContext {
  chairVenueId: string;
  invited: string[];
  now: number;
  /** The venue speaking now (the SFU's dominant speaker), if anyone has spoken. */
  speaker?: string;
}

const without = (list: string[], ids: string[]) => list.filter((v) => !ids.includes(v));
const withAll = (list: string[], ids: string[]) => [...list, ...ids.filter((v) => !list.includes(v))];

/**
 * Applies one chair command to the control state and returns the new state (the input is not
 * changed). Commands that make no sense in the current state are refused with a clear error.
 */
export function applyChairCommand(state: ControlState, command: ChairCommand, ctx: CommandContext): ControlState {
  const next: ControlState = { ...state, version: state.version + 1 };
  const requireInvited = (venueId: string) => {
    if (!ctx.invited.includes(venueId)) throw badRequest(`venue ${venueId} is not in this meeting`);
  };
  switch (command.type) {
    case 'mute': {
      command.venueIds.forEach(requireInvited);
      const ids = command.venueIds.filter((v) => v !== ctx.chairVenueId || !command.muted);
      next.muted = command.muted ? withAll(state.muted, ids) : without(state.muted, ids);
      if (!command.muted) next.hands = without(state.hands, ids);
      return next;
    }
    case 'muteAll':
      next.muted = command.muted ? ctx.invited.filter((v) => v !== ctx.chairVenueId) : [];
      if (!command.muted) next.hands = [];
      return next;
    case 'rollCall':
      requireInvited(command.venueId);
      next.rollCall = command.venueId;
      next.hands = without(state.hands, [command.venueId]);
      return next;
    case 'endRollCall':
      if (!state.rollCall) throw conflict('there is no roll call in progress');
      next.rollCall = null;
      return next;
    case 'broadcast':
      if (command.venueId) requireInvited(command.venueId);
      next.broadcast = command.venueId;
      next.layout = null;
      next.rollCall = null;
      if (state.polling?.target === 'broadcast') next.polling = null;
      next.voiceActivated = false;
      return next;
    case 'view':
      command.layout?.panes.forEach((v) => v && requireInvited(v));
      next.chairView = command.layout;
      if (state.polling?.target === 'chairView') next.polling = null;
      return next;
    case 'layout':
      command.layout?.panes.forEach((v) => v && requireInvited(v));
      next.layout = command.layout;
      if (command.layout) next.rollCall = null;
      if (command.layout && state.polling?.target === 'broadcast') next.polling = null;
      return next;
    case 'startPolling': {
      command.venueIds.forEach(requireInvited);
      next.polling = {
        venueIds: command.venueIds,
        intervalS: command.intervalS,
        target: command.target,
        kind: command.target === 'chairView' ? command.kind : '1',
        index: 0,
        paused: false,
        shownAt: ctx.now,
      };
      if (command.target === 'broadcast') {
        next.layout = null;
        next.voiceActivated = false;
      }
      return applyPollingPosition(next);
    }
    case 'pausePolling':
    case 'resumePolling': {
      if (!state.polling) throw conflict('polling is not running');
      next.polling = { ...state.polling, paused: command.type === 'pausePolling', shownAt: ctx.now };
      return next;
    }
    case 'skipPolling':
      if (!state.polling) throw conflict('polling is not running');
      return advancePolling(next, ctx);
    case 'stopPolling':
      if (!state.polling) throw conflict('polling is not running');
      next.polling = null;
      return next;
    case 'voiceActivated':
      next.voiceActivated = command.enabled;
      if (command.enabled) {
        next.layout = null;
        if (state.polling?.target === 'broadcast') next.polling = null;
        // Switching on follows whoever speaks now, not only the next change of speaker.
        if (ctx.speaker && !state.rollCall) next.broadcast = ctx.speaker;
      }
      return next;
    case 'giveFloor':
      requireInvited(command.venueId);
      next.muted = without(state.muted, [command.venueId]);
      next.hands = without(state.hands, [command.venueId]);
      return next;
    case 'dismissHand':
      next.hands = without(state.hands, [command.venueId]);
      return next;
    case 'remove':
      requireInvited(command.venueId);
      if (command.venueId === ctx.chairVenueId) throw badRequest('the chair venue cannot be removed');
      next.removed = withAll(state.removed, [command.venueId]);
      next.hands = without(state.hands, [command.venueId]);
      if (state.broadcast === command.venueId) next.broadcast = null;
      if (state.rollCall === command.venueId) next.rollCall = null;
      return next;
    case 'lock':
      next.locked = command.locked;
      return next;
    case 'end':
      return next;
  }
}

/** Moves polling to its next position (timer tick or skip). */
export function advancePolling(state: ControlState, ctx: Pick<CommandContext, 'now'>): ControlState {
  if (!state.polling) return state;
  const next: ControlState = { ...state, polling: { ...state.polling, index: state.polling.index + 1, shownAt: ctx.now } };
  return applyPollingPosition(next);
}

function applyPollingPosition(state: ControlState): ControlState {
  const polling = state.polling;
  if (!polling) return state;
  const page = pollingPage(polling);
  if (polling.target === 'broadcast') return { ...state, broadcast: page[0] ?? null };
  return { ...state, chairView: { kind: polling.kind, panes: page } };
}

/** A venue raises or lowers its hand. */
export function applyHand(state: ControlState, venueId: string, raised: boolean): ControlState {
  const hands = raised ? withAll(state.hands, [venueId]) : without(state.hands, [venueId]);
  if (hands.length === state.hands.length && hands.every((v, i) => v === state.hands[i])) return state;
  return { ...state, version: state.version + 1, hands };
}
