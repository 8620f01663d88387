import { describe, expect, it } from 'vitest';
import { initialControlState, isAudible, paneLayer, programmeVenue, screenFor, type ControlState } from './control.ts';

const base = (): ControlState => initialControlState({ muteOnJoin: false, invited: [], chairVenueId: 'hall' });
const small = { chairVenueId: 'hall', present: ['hall', 'tw01', 'tw02'] };
const large = { chairVenueId: 'hall', present: ['hall', ...Array.from({ length: 40 }, (_, i) => `d${i}`)] };

describe('what each venue sees', () => {
  it('shows a small meeting as a gallery of the other venues', () => {
    expect(screenFor(base(), 'tw01', small)).toEqual({ kind: '2x2', panes: ['hall', 'tw02', null, null] });
    expect(screenFor(base(), 'hall', small)).toEqual({ kind: '2x2', panes: ['tw01', 'tw02', null, null] });
  });

  it('shows the chair venue to everyone in a large meeting, and the chair a gallery', () => {
    expect(screenFor(base(), 'd3', large)).toEqual({ kind: '1', panes: ['hall'], programme: true });
    expect(screenFor(base(), 'hall', large).kind).toBe('4x4');
  });

  it('shows the broadcast venue to everyone, and the chair venue to the broadcast venue itself', () => {
    const s = { ...base(), broadcast: 'tw02' };
    expect(screenFor(s, 'tw01', small)).toEqual({ kind: '1', panes: ['tw02'], programme: true });
    expect(screenFor(s, 'tw02', small)).toEqual({ kind: '1', panes: ['hall'] });
  });

  it('names the venue the programme shows: roll call, broadcast, else the chair of a large meeting', () => {
    expect(programmeVenue(base(), small)).toBeNull();
    expect(programmeVenue(base(), large)).toBe('hall');
    expect(programmeVenue({ ...base(), broadcast: 'tw02' }, small)).toBe('tw02');
    expect(programmeVenue({ ...base(), broadcast: 'tw02', rollCall: 'tw01' }, small)).toBe('tw01');
    const layout = { kind: '2x2' as const, panes: ['tw01', 'tw02'] };
    expect(programmeVenue({ ...base(), broadcast: 'tw02', layout }, large)).toBeNull();
    expect(programmeVenue({ ...base(), layout, rollCall: 'tw01' }, large)).toBe('tw01');
  });

  it('lets the chair view another venue without changing what the others see', () => {
    const s = { ...base(), broadcast: 'tw02', chairView: { kind: '1' as const, panes: ['tw01'] } };
    expect(screenFor(s, 'hall', small)).toEqual({ kind: '1', panes: ['tw01'] });
    expect(screenFor(s, 'tw01', small)).toEqual({ kind: '1', panes: ['tw02'], programme: true });
  });

  it('puts roll call above a multi-picture, and a multi-picture above the broadcast', () => {
    const layout = { kind: '1+5' as const, panes: ['tw01', 'tw02'] };
    expect(screenFor({ ...base(), broadcast: 'tw02', layout }, 'd1', small).panes).toEqual(['tw01', 'tw02', null, null, null, null]);
    expect(screenFor({ ...base(), layout, rollCall: 'tw02' }, 'tw01', small)).toEqual({ kind: '1', panes: ['tw02'], programme: true });
  });

  it('during roll call only the chair and the called venue are audible', () => {
    const s = { ...base(), rollCall: 'tw02' };
    expect(['hall', 'tw01', 'tw02'].map((v) => isAudible(s, v, 'hall'))).toEqual([true, false, true]);
    expect(isAudible({ ...base(), muted: ['tw01'] }, 'tw01', 'hall')).toBe(false);
  });

  it('asks for the full simulcast layer only for large panes', () => {
    expect([paneLayer('1', 0), paneLayer('1+5', 0), paneLayer('1+5', 3), paneLayer('2x2', 1), paneLayer('4x4', 0)]).toEqual([2, 2, 0, 1, 0]);
  });
});
