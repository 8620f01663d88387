import type { SfuRoom } from '../../../sfu/src/index.ts';
import { isAudible, paneLayer, programmeVenue, screenFor, type ControlState, type Screen } from '../protocol/index.ts';
import type { Participant } from './Participant.ts';

/** At most this many venues' audio reaches one venue (an SFU forwards, it does not mix). */
export const MAX_FORWARDED_AUDIO = 8;
/** Video consumers a venue keeps, paused, after they left its screen (quick switching back). */
export const KEEP_RECENT_VIDEO = 2;

export interface PolicyContext {
  media: SfuRoom;
  participants: Participant[];
  state: ControlState;
  chairVenueId: string;
  /** The meeting's invited venues in order (screens list venues in this order). */
  invitedOrder: string[];
  /** Creates a consumer for `viewer` of `owner`'s producer (null: the programme) and tells the viewer's client. */
  consume: (viewer: Participant, owner: Participant | null, producerId: string, options: { wanted: boolean; spatialLayer?: number }) => Promise<void>;
  /** Closes a consumer and tells the viewer's client. */
  closeConsumer: (viewer: Participant, consumerId: string) => void;
  /**
   * The highest simulcast layer now wanted of each camera, before any consumer is created: the
   * publisher can start a layer while the consumers are being made (dynacast raises early).
   */
  planned?: (layers: Map<string, number>) => void;
}

interface Want {
  /** null: the meeting's programme. */
  owner: Participant | null;
  producerId: string;
  spatialLayer?: number;
}

/**
 * Makes the SFU match the control state. Each venue receives only what its screen shows (video of
 * the venues in its panes, at the simulcast layer the pane size needs) and the audio of the most
 * relevant audible venues (the chair, the venues shown, then recent speakers; at most
 * MAX_FORWARDED_AUDIO). Anything else is closed, except a venue's few most recently shown videos,
 * kept paused. A venue's microphone producer is paused while it is not audible (muted by the chair,
 * roll call of another venue) or muted by itself.
 *
 * A screen showing the programme (the broadcast, the roll-called venue, the chair of a large
 * meeting) receives it as the programme's one stream, switched server-side: a broadcast switch
 * creates no consumer. Such a venue also keeps the chair venue's camera on standby (consumed,
 * paused), for when it is itself broadcast and its screen shows the chair.
 */
export async function applyMediaPolicy(ctx: PolicyContext): Promise<void> {
  const { media, state, chairVenueId } = ctx;
  const byVenue = new Map(ctx.participants.map((p) => [p.venue.id, p]));
  const presence = { chairVenueId, present: ctx.invitedOrder.filter((v) => byVenue.has(v)) };
  const sourceOf = new Map<string, string>();
  for (const p of ctx.participants) for (const [source, producerId] of p.producers) sourceOf.set(producerId, source);
  const audible = ctx.participants.filter((p) => p.producers.has('microphone') && !p.selfMuted && isAudible(state, p.venue.id, chairVenueId));
  const screens = new Map(ctx.participants.map((viewer) => [viewer, screenFor(state, viewer.venue.id, presence)]));
  const programme = await programmePlan(ctx, byVenue.get(programmeVenue(state, presence) ?? ''), [...screens.values()]);
  // Venues keep a programme consumer paused while no screen shows it (a layout), like a recent camera.
  const programmeId = programme?.producerId ?? media.programmeIdNow;
  if (programmeId) sourceOf.set(programmeId, 'programme');
  const standby = byVenue.get(chairVenueId)?.producers.get('camera');

  const micTasks = ctx.participants.map(async (p) => {
    const mic = p.producers.get('microphone');
    if (!mic) return;
    await media.setProducerPaused(p.id, mic, p.selfMuted || !isAudible(state, p.venue.id, chairVenueId));
  });

  // First what venues must now receive (the latency a chair command is judged by), for every
  // venue; only then pausing and closing what they no longer need.
  const plans = ctx.participants
    .filter((viewer) => viewer.mediaReady)
    .map((viewer) => {
      const screen = screens.get(viewer)!;
      const wants = new Map<string, Want>();
      if (screen.programme && programme) wants.set(programme.producerId, { owner: null, producerId: programme.producerId, spatialLayer: 2 });
      else for (const want of videoWants(screen, viewer, byVenue)) wants.set(want.producerId, want);
      for (const want of audioWants(audible, viewer, screen, chairVenueId)) wants.set(want.producerId, want);
      return { viewer, wants };
    });
  const layers = new Map<string, number>();
  for (const { wants } of plans) {
    for (const want of wants.values()) {
      if (want.spatialLayer !== undefined && want.spatialLayer > (layers.get(want.producerId) ?? -1)) layers.set(want.producerId, want.spatialLayer);
    }
  }
  // The programme's source is asked for what the programme's viewers want.
  const programmeLayer = programme ? layers.get(programme.producerId) : undefined;
  if (programme?.source && programmeLayer !== undefined) layers.set(programme.source, Math.max(programmeLayer, layers.get(programme.source) ?? -1));
  ctx.planned?.(layers);
  const deliver = plans.map(async ({ viewer, wants }) => {
    const now = Date.now();
    for (const want of wants.values()) {
      viewer.lastWanted.set(want.producerId, now);
      const consumerId = media.consumerOf(viewer.id, want.producerId);
      if (consumerId) await media.setConsumerWanted(viewer.id, consumerId, true, want.spatialLayer);
      else await ctx.consume(viewer, want.owner, want.producerId, { wanted: true, spatialLayer: want.spatialLayer });
    }
    const owner = byVenue.get(chairVenueId);
    if (standby && owner && owner !== viewer && screens.get(viewer)!.programme && !wants.has(standby) && !media.consumerOf(viewer.id, standby)) {
      await ctx.consume(viewer, owner, standby, { wanted: false, spatialLayer: 2 });
    }
  });
  await Promise.all([...micTasks, ...deliver, programme?.switching]);

  await Promise.all(
    plans.map(async ({ viewer, wants }) => {
      // What the venue receives and no longer needs (its own consumers: not every venue's producers).
      const unwantedVideo: { consumerId: string; at: number }[] = [];
      for (const [consumerId, producerId] of media.consumersOf(viewer.id)) {
        if (wants.has(producerId)) continue;
        if (producerId === standby) await media.setConsumerWanted(viewer.id, consumerId, false);
        else if (['camera', 'programme'].includes(sourceOf.get(producerId)!)) unwantedVideo.push({ consumerId, at: viewer.lastWanted.get(producerId) ?? 0 });
        else ctx.closeConsumer(viewer, consumerId);
      }
      unwantedVideo.sort((a, b) => b.at - a.at);
      for (const [i, { consumerId }] of unwantedVideo.entries()) {
        if (i < KEEP_RECENT_VIDEO) await media.setConsumerWanted(viewer.id, consumerId, false);
        else ctx.closeConsumer(viewer, consumerId);
      }
    }),
  );
}

/**
 * The programme when some screen shows it: its producer, switched to the camera of the venue it
 * shows (the switch itself happens at that camera's next keyframe); null when no screen shows one.
 */
async function programmePlan(
  ctx: PolicyContext,
  shown: Participant | undefined,
  screens: Screen[],
): Promise<{ producerId: string; source?: string; switching: Promise<void> } | null> {
  const camera = shown?.producers.get('camera');
  if (!shown || !camera || !screens.some((s) => s.programme)) {
    await ctx.media.setProgrammeSource(null);
    return null;
  }
  const producerId = await ctx.media.programmeProducerId();
  // Awaited last: venues' consumers are delivered while the relay takes the new camera.
  return { producerId, source: camera, switching: ctx.media.setProgrammeSource({ peerId: shown.id, producerId: camera }) };
}

/** Cameras of the venues on the viewer's screen, each at the largest layer any of its panes needs. */
function videoWants(screen: Screen, viewer: Participant, byVenue: Map<string, Participant>): Want[] {
  const wants = new Map<string, Want>();
  screen.panes.forEach((venueId, index) => {
    const owner = venueId && venueId !== viewer.venue.id ? byVenue.get(venueId) : undefined;
    const camera = owner?.producers.get('camera');
    if (!owner || !camera) return;
    const layer = paneLayer(screen.kind, index);
    const existing = wants.get(camera);
    if (!existing || (existing.spatialLayer ?? 0) < layer) wants.set(camera, { owner, producerId: camera, spatialLayer: layer });
  });
  return [...wants.values()];
}

/** The audible venues a viewer hears: the chair venue, venues on its screen, then recent speakers. */
function audioWants(audible: Participant[], viewer: Participant, screen: Screen, chairVenueId: string): Want[] {
  const shown = new Set(screen.panes);
  const rank = (p: Participant) => (p.venue.id === chairVenueId ? 2 : shown.has(p.venue.id) ? 1 : 0);
  return audible
    .filter((p) => p !== viewer)
    .sort((a, b) => rank(b) - rank(a) || b.lastSpokeAt - a.lastSpokeAt)
    .slice(0, MAX_FORWARDED_AUDIO)
    .map((owner) => ({ owner, producerId: owner.producers.get('microphone')! }));
}
