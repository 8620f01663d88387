import { useServices } from '../../app/MediaContext.ts';
import { useMediaStream } from './useMediaStream.ts';
import type { RemoteVenue } from './meetingSlice.ts';

function AudioSink(props: { stream: MediaStream | undefined; venueId: string; version: string }) {
  const ref = useMediaStream<HTMLAudioElement>(props.stream, props.version);
  return <audio ref={ref} autoPlay data-testid={`audio-${props.venueId}`} />;
}

/** Plays every remote venue's audio that the server forwards (only audible venues' audio arrives). */
export function AudioSinks(props: { venues: RemoteVenue[] }) {
  const services = useServices();
  const media = services.connected ? services.media : undefined;
  return (
    <div hidden>
      {props.venues.map((v) => (
        <AudioSink key={v.id} venueId={v.venueId} stream={media?.remoteAudio(v.id)} version={`${v.id}-${v.audio}`} />
      ))}
    </div>
  );
}
