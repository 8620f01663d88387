import { describe, expect, it } from 'vitest';
import { initialControlState, type ChairCommand, type ControlState } from '../protocol/index.ts';
import { AppError } from '../errors.ts';
import { advancePolling, applyChairCommand, applyHand } from './controlReducer.ts';

const ctx = { chairVenueId: 'hall', invited: ['hall', 'tw01', 'tw02', 'tw03', 'd015'], now: 1_000 };
const fresh = (muteOnJoin = false) => initialControlState({ muteOnJoin, invited: ctx.invited, chairVenueId: 'hall' });
const apply = (state: ControlState, ...commands: ChairCommand[]) => commands.reduce((s, c) => applyChairCommand(s, c, ctx), state);

describe('chair commands', () => {
  it('mutes branch venues on join of a full-network meeting but never the chair venue', () => {
    expect(fresh(true).muted).toEqual(['tw01', 'tw02', 'tw03', 'd015']);
    expect(apply(fresh(), { type: 'muteAll', muted: true }).muted).not.toContain('hall');
  });

  it('bumps the version on every change and leaves the input state untouched', () => {
    const before = fresh();
    const after = apply(before, { type: 'mute', venueIds: ['tw01'], muted: true });
    expect(after.version).toBe(1);
    expect(before.muted).toEqual([]);
  });

  it('giving the floor unmutes a venue and takes it out of the hand queue', () => {
    let s = apply(fresh(true));
    s = applyHand(s, 'tw02', true);
    expect(s.hands).toEqual(['tw02']);
    s = apply(s, { type: 'giveFloor', venueId: 'tw02' });
    expect(s.hands).toEqual([]);
    expect(s.muted).not.toContain('tw02');
  });

  it('ending a roll call restores the picture and audio that were there before it', () => {
    const before = apply(fresh(), { type: 'broadcast', venueId: 'tw03' }, { type: 'mute', venueIds: ['tw01'], muted: true });
    const during = apply(before, { type: 'rollCall', venueId: 'tw02' });
    const after = apply(during, { type: 'endRollCall' });
    expect(after).toEqual({ ...before, version: before.version + 2 });
  });

  it('refuses to end a roll call that is not in progress, and venues not in the meeting', () => {
    expect(() => apply(fresh(), { type: 'endRollCall' })).toThrow(AppError);
    expect(() => apply(fresh(), { type: 'broadcast', venueId: 'tw09' })).toThrow(/not in this meeting/);
    expect(() => apply(fresh(), { type: 'remove', venueId: 'hall' })).toThrow(/cannot be removed/);
  });

  it('polls the broadcast through its venues in order, wrapping around', () => {
    let s = apply(fresh(), { type: 'startPolling', venueIds: ['tw01', 'tw02', 'tw03'], intervalS: 2, target: 'broadcast', kind: '1' });
    const seen = [s.broadcast];
    for (let i = 0; i < 3; i++) {
      s = advancePolling(s, { now: 2_000 + i });
      seen.push(s.broadcast);
    }
    expect(seen).toEqual(['tw01', 'tw02', 'tw03', 'tw01']);
  });

  it('polls the chair view a page of nine venues at a time for a 3x3 monitor', () => {
    const many = Array.from({ length: 12 }, (_, i) => `d${String(i + 1).padStart(3, '0')}`);
    const c = { ...ctx, invited: ['hall', ...many] };
    let s = applyChairCommand(initialControlState({ muteOnJoin: true, invited: c.invited, chairVenueId: 'hall' }),
      { type: 'startPolling', venueIds: many, intervalS: 5, target: 'chairView', kind: '3x3' }, c);
    expect(s.chairView?.panes).toEqual(many.slice(0, 9));
    expect(s.broadcast).toBeNull();
    s = advancePolling(s, { now: 9 });
    expect(s.chairView?.panes).toEqual([...many.slice(9), ...many.slice(0, 6)]);
  });

  it('a new broadcast stops broadcast polling, voice switching and any roll call', () => {
    let s = apply(fresh(), { type: 'startPolling', venueIds: ['tw01', 'tw02'], intervalS: 5, target: 'broadcast', kind: '1' });
    s = apply(s, { type: 'rollCall', venueId: 'tw03' }, { type: 'broadcast', venueId: 'd015' });
    expect(s).toMatchObject({ polling: null, rollCall: null, broadcast: 'd015', voiceActivated: false });
  });

  it('switching voice activation on broadcasts the venue speaking now, not only the next speaker', () => {
    const on = { type: 'voiceActivated', enabled: true } as const;
    expect(applyChairCommand(fresh(), on, { ...ctx, speaker: 'tw02' })).toMatchObject({ voiceActivated: true, broadcast: 'tw02' });
    expect(applyChairCommand(fresh(), on, ctx)).toMatchObject({ voiceActivated: true, broadcast: null });
    // A roll call keeps its picture: voice switching takes over once it ends.
    const calling = apply(fresh(), { type: 'rollCall', venueId: 'tw03' });
    expect(applyChairCommand(calling, on, { ...ctx, speaker: 'tw02' }).broadcast).toBe(calling.broadcast);
  });

  it('removing a venue bars it and clears it from the broadcast and the hand queue', () => {
    let s = applyHand(apply(fresh(), { type: 'broadcast', venueId: 'tw01' }), 'tw01', true);
    s = apply(s, { type: 'remove', venueId: 'tw01' });
    expect(s).toMatchObject({ removed: ['tw01'], broadcast: null, hands: [] });
  });

  it('raising a hand twice changes nothing the second time', () => {
    const once = applyHand(fresh(), 'tw01', true);
    expect(applyHand(once, 'tw01', true)).toBe(once);
  });
});
