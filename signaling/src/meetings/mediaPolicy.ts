import type { SfuRoom } from '../../../sfu/src/index.ts';
import { isAudible, paneLayer, screenFor, type ControlState } from '../protocol/index.ts';
import type { Participant } from './Participant.ts';

export interface PolicyContext {
  media: SfuRoom;
  participants: Participant[];
  state: ControlState;
  chairVenueId: string;
  /** The meeting's invited venues in order (screens list venues in this order). */
  invitedOrder: string[];
  /** Creates a consumer for `viewer` of `owner`'s producer and tells the viewer's client. */
  consume: (viewer: Participant, owner: Participant, producerId: string, options: { wanted: boolean; spatialLayer?: number }) => Promise<void>;
}

interface Want {
  owner: Participant;
  producerId: string;
  spatialLayer?: number;
}

/**
 * Makes the SFU match the control state. Each venue receives only what its screen shows (video of
 * the venues in its panes, at the simulcast layer the pane size needs) and the audio of audible
 * venues; every other consumer is paused. A venue's microphone producer is paused while it is not
 * audible (muted by the chair, roll call of another venue) or muted by itself.
 */
export async function applyMediaPolicy(ctx: PolicyContext): Promise<void> {
  const { media, state, chairVenueId } = ctx;
  const byVenue = new Map(ctx.participants.map((p) => [p.venue.id, p]));
  const presence = { chairVenueId, present: ctx.invitedOrder.filter((v) => byVenue.has(v)) };

  const micTasks = ctx.participants.map(async (p) => {
    const mic = p.producers.get('microphone');
    if (!mic) return;
    const paused = p.selfMuted || !isAudible(state, p.venue.id, chairVenueId);
    await media.setProducerPaused(p.id, mic, paused);
  });

  const viewerTasks = ctx.participants
    .filter((viewer) => viewer.mediaReady)
    .map(async (viewer) => {
      const wants = new Map<string, Want>();
      const screen = screenFor(state, viewer.venue.id, presence);
      screen.panes.forEach((venueId, index) => {
        const owner = venueId && venueId !== viewer.venue.id ? byVenue.get(venueId) : undefined;
        const camera = owner?.producers.get('camera');
        if (!owner || !camera) return;
        const layer = paneLayer(screen.kind, index);
        const existing = wants.get(camera);
        if (!existing || (existing.spatialLayer ?? 0) < layer) wants.set(camera, { owner, producerId: camera, spatialLayer: layer });
      });
      for (const owner of ctx.participants) {
        const mic = owner.producers.get('microphone');
        if (owner !== viewer && mic && isAudible(state, owner.venue.id, chairVenueId)) wants.set(mic, { owner, producerId: mic });
      }
      for (const want of wants.values()) {
        const consumerId = media.consumerOf(viewer.id, want.producerId);
        if (consumerId) await media.setConsumerWanted(viewer.id, consumerId, true, want.spatialLayer);
        else await ctx.consume(viewer, want.owner, want.producerId, { wanted: true, spatialLayer: want.spatialLayer });
      }
      for (const owner of ctx.participants) {
        for (const producerId of owner.producers.values()) {
          if (wants.has(producerId)) continue;
          const consumerId = media.consumerOf(viewer.id, producerId);
          if (consumerId) await media.setConsumerWanted(viewer.id, consumerId, false);
        }
      }
    });

  await Promise.all([...micTasks, ...viewerTasks]);
}
