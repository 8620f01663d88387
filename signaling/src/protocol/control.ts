import { z } from 'zod';

/** Multi-picture layouts (多画面) and how many panes each has. */
export const LAYOUT_PANES = { '1': 1, '1+5': 6, '2x2': 4, '3x3': 9, '4x4': 16 } as const;
export const layoutKindSchema = z.enum(['1', '1+5', '2x2', '3x3', '4x4']);
export type LayoutKind = z.infer<typeof layoutKindSchema>;

const venueId = z.string().min(1).max(64);

export const layoutSchema = z
  .object({ kind: layoutKindSchema, panes: z.array(venueId.nullable()).max(16) })
  .refine((l) => l.panes.length <= LAYOUT_PANES[l.kind], { message: 'more venues than the layout has panes' });
export type Layout = z.infer<typeof layoutSchema>;

export const pollingSchema = z.object({
  venueIds: z.array(venueId).min(1).max(500),
  intervalS: z.number().int().min(2).max(600),
  /** Polling drives the broadcast picture (everyone) or only the chair's own view. */
  target: z.enum(['broadcast', 'chairView']),
  /** For chairView polling: the layout the chair's view cycles through (a page of venues at a time). */
  kind: layoutKindSchema.default('1'),
  index: z.number().int().min(0),
  paused: z.boolean(),
  /** When the current position was shown (ms since epoch), so a restart keeps the rhythm. */
  shownAt: z.number(),
});
export type Polling = z.infer<typeof pollingSchema>;

/** Everything the chair controls, persisted per meeting (survives a server restart). */
export const controlStateSchema = z.object({
  version: z.number().int().min(0),
  /** Venues muted by the chair (they cannot unmute themselves). */
  muted: z.array(venueId),
  /** Raise-hand queue, oldest first. */
  hands: z.array(venueId),
  /** 广播: the venue every screen shows. */
  broadcast: venueId.nullable(),
  /** 多画面: the broadcast multi-picture; overrides `broadcast` while set. */
  layout: layoutSchema.nullable(),
  /** 点名: the called venue is shown to everyone and only it and the chair are audible. */
  rollCall: venueId.nullable(),
  /** 选看: what the chair's own screen shows, without changing the broadcast. */
  chairView: layoutSchema.nullable(),
  polling: pollingSchema.nullable(),
  /** 声控切换: the broadcast follows the active speaker. */
  voiceActivated: z.boolean(),
  locked: z.boolean(),
  /** Venues removed by the chair; they cannot rejoin this meeting. */
  removed: z.array(venueId),
});
export type ControlState = z.infer<typeof controlStateSchema>;

export function initialControlState(options: { muteOnJoin: boolean; invited: string[]; chairVenueId: string }): ControlState {
  return {
    version: 0,
    muted: options.muteOnJoin ? options.invited.filter((v) => v !== options.chairVenueId) : [],
    hands: [],
    broadcast: null,
    layout: null,
    rollCall: null,
    chairView: null,
    polling: null,
    voiceActivated: false,
    locked: false,
    removed: [],
  };
}

/** Chair commands (client → server `chair.command`), each checked with this schema. */
export const chairCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('mute'), venueIds: z.array(venueId).min(1).max(500), muted: z.boolean() }),
  z.object({ type: z.literal('muteAll'), muted: z.boolean() }),
  z.object({ type: z.literal('rollCall'), venueId }),
  z.object({ type: z.literal('endRollCall') }),
  z.object({ type: z.literal('broadcast'), venueId: venueId.nullable() }),
  z.object({ type: z.literal('view'), layout: layoutSchema.nullable() }),
  z.object({ type: z.literal('layout'), layout: layoutSchema.nullable() }),
  z.object({
    type: z.literal('startPolling'),
    venueIds: z.array(venueId).min(1).max(500),
    intervalS: z.number().int().min(2).max(600),
    target: z.enum(['broadcast', 'chairView']).default('broadcast'),
    kind: layoutKindSchema.default('1'),
  }),
  z.object({ type: z.literal('pausePolling') }),
  z.object({ type: z.literal('resumePolling') }),
  z.object({ type: z.literal('skipPolling') }),
  z.object({ type: z.literal('stopPolling') }),
  z.object({ type: z.literal('voiceActivated'), enabled: z.boolean() }),
  z.object({ type: z.literal('giveFloor'), venueId }),
  z.object({ type: z.literal('dismissHand'), venueId }),
  z.object({ type: z.literal('remove'), venueId }),
  z.object({ type: z.literal('lock'), locked: z.boolean() }),
  z.object({ type: z.literal('end') }),
]);
export type ChairCommand = z.infer<typeof chairCommandSchema>;

/** A screen: a layout kind and the venue in each pane (null = empty pane). */
export interface Screen {
  kind: LayoutKind;
  panes: (string | null)[];
  /**
   * The single pane shows the meeting's programme: the picture most venues show full-size (the
   * broadcast or roll-called venue, else in a large meeting the chair venue), which the server
   * switches from venue to venue on one stream, as an MCU does.
   */
  programme?: boolean;
}

/** The venues currently shown by a polling position. */
export function pollingPage(polling: Polling): string[] {
  const size = polling.target === 'chairView' ? LAYOUT_PANES[polling.kind] : 1;
  const start = (polling.index * size) % polling.venueIds.length;
  const page: string[] = [];
  for (let i = 0; i < Math.min(size, polling.venueIds.length); i++) page.push(polling.venueIds[(start + i) % polling.venueIds.length]!);
  return page;
}

/** The next polling position's venues (shown on the console as "next"). */
export function pollingNext(polling: Polling): string[] {
  return pollingPage({ ...polling, index: polling.index + 1 });
}

/** Who is present and in what order venues are listed (the meeting's invitation order). */
export interface Presence {
  chairVenueId: string;
  /** Venue ids present now, in invitation order. */
  present: string[];
}

/** Up to this many venues present, the default screen is a gallery of all of them. */
export const GALLERY_MAX_VENUES = 17;

/** Gallery of the present venues other than the viewer, in a layout that fits them. */
export function galleryScreen(viewer: string, presence: Presence): Screen {
  const others = presence.present.filter((v) => v !== viewer).slice(0, 16);
  const kind: LayoutKind = others.length <= 1 ? '1' : others.length <= 4 ? '2x2' : others.length <= 9 ? '3x3' : '4x4';
  return { kind, panes: padPanes(kind, others) };
}

/**
 * What one venue's main screen shows:
 * - the chair's own view (选看) for the chair venue when set;
 * - roll call (点名): the called venue; multi-picture (多画面): its panes; broadcast (广播): that venue
 *   (the venue being shown alone sees the chair venue instead of itself);
 * - otherwise a gallery of the venues present, or for a large meeting the chair venue (the chair
 *   itself still sees a gallery).
 */
export function screenFor(state: ControlState, viewer: string, presence: Presence): Screen {
  const chair = presence.chairVenueId;
  if (viewer === chair && state.chairView) {
    return { kind: state.chairView.kind, panes: padPanes(state.chairView.kind, state.chairView.panes) };
  }
  const single = state.rollCall ?? (state.layout ? null : state.broadcast);
  if (state.layout && !state.rollCall) return { kind: state.layout.kind, panes: padPanes(state.layout.kind, state.layout.panes) };
  if (single) {
    if (single !== viewer) return { kind: '1', panes: [single], programme: true };
    return { kind: '1', panes: [viewer === chair ? null : chair] };
  }
  if (viewer === chair || presence.present.length <= GALLERY_MAX_VENUES) return galleryScreen(viewer, presence);
  return { kind: '1', panes: [chair], programme: true };
}

/** The venue the meeting's programme shows now (null: no screen shows a programme). */
export function programmeVenue(state: ControlState, presence: Presence): string | null {
  if (state.layout && !state.rollCall) return null;
  const single = state.rollCall ?? state.broadcast;
  if (single) return single;
  return presence.present.length > GALLERY_MAX_VENUES ? presence.chairVenueId : null;
}

/** Venues whose audio is forwarded: during roll call only the chair and the called venue; else the unmuted. */
export function isAudible(state: ControlState, venue: string, chairVenueId: string): boolean {
  if (state.rollCall) return venue === chairVenueId || venue === state.rollCall;
  return !state.muted.includes(venue);
}

/** Spatial simulcast layer a pane of this layout needs (0 small … 2 full). */
export function paneLayer(kind: LayoutKind, paneIndex: number): 0 | 1 | 2 {
  if (kind === '1') return 2;
  if (kind === '1+5') return paneIndex === 0 ? 2 : 0;
  if (kind === '2x2') return 1;
  return 0;
}

function padPanes(kind: LayoutKind, panes: (string | null)[]): (string | null)[] {
  const n = LAYOUT_PANES[kind];
  return Array.from({ length: n }, (_, i) => panes[i] ?? null);
}
