import Hls from 'hls.js';
import { useEffect, useRef } from 'react';

/**
 * Plays a recording's HLS playlist. Live recordings start near the live edge (the playlist's
 * EXT-X-START and a short sync distance); finished ones from the start, with seeking.
 */
export function HlsPlayer(props: { url: string; live: boolean }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    if (!Hls.isSupported()) {
      video.src = props.url;
      return;
    }
    const hls = new Hls({
      liveSyncDurationCount: 2,
      liveMaxLatencyDurationCount: 5,
      maxLiveSyncPlaybackRate: 1.2,
      lowLatencyMode: false,
      backBufferLength: 30,
    });
    hls.loadSource(props.url);
    hls.attachMedia(video);
    hls.on(Hls.Events.MANIFEST_PARSED, () => {
      video.play().catch(() => undefined);
    });
    return () => hls.destroy();
  }, [props.url, props.live]);
  return <video ref={ref} className="hls-player" data-testid="hls-player" data-live={props.live} controls playsInline />;
}
