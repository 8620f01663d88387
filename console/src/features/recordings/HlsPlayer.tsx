import Hls, { type ErrorData } from 'hls.js';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

type Phase = 'loading' | 'playing' | 'recovering' | 'failed';

/** A fatal media error is recovered this many times before the player gives up. */
const MEDIA_RECOVERIES = 3;
const NETWORK_RETRY_MS = 2000;

/**
 * Plays a recording's HLS playlist. Live recordings start near the live edge (the playlist's
 * EXT-X-START and a short sync distance); finished ones from the start, with seeking. Fatal
 * errors are recovered the way hls.js recommends: a network error loads again (and keeps
 * trying: the playlist may not be written yet, or the server may be restarting), a media error
 * recovers the decoder a few times; anything else, or too many media errors, stops with the
 * reason shown. `data-state` and `data-error` (the last error) on the video say where it stands.
 */
export function HlsPlayer(props: { url: string; live: boolean }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLVideoElement>(null);
  const [phase, setPhase] = useState<Phase>('loading');
  const [error, setError] = useState<string>('');
  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    setPhase('loading');
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
    let mediaRecoveries = 0;
    let manifestParsed = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const onPlaying = () => setPhase('playing');
    video.addEventListener('playing', onPlaying);
    hls.on(Hls.Events.MANIFEST_PARSED, () => {
      manifestParsed = true;
      video.play().catch(() => undefined);
    });
    hls.on(Hls.Events.ERROR, (_event, data: ErrorData) => {
      setError(data.details);
      // hls.js retries what is not fatal by itself.
      if (!data.fatal) return;
      if (data.type === Hls.ErrorTypes.NETWORK_ERROR) {
        // No playlist yet (a recording that has just started writes it with its first segment,
        // or the server is restarting): ask for it again; otherwise carry on loading.
        setPhase(manifestParsed ? 'recovering' : 'loading');
        clearTimeout(retry);
        retry = setTimeout(() => (manifestParsed ? hls.startLoad() : hls.loadSource(props.url)), NETWORK_RETRY_MS);
      } else if (data.type === Hls.ErrorTypes.MEDIA_ERROR && mediaRecoveries < MEDIA_RECOVERIES) {
        mediaRecoveries++;
        setPhase('recovering');
        hls.recoverMediaError();
      } else {
        setPhase('failed');
        hls.destroy();
      }
    });
    hls.loadSource(props.url);
    hls.attachMedia(video);
    return () => {
      clearTimeout(retry);
      video.removeEventListener('playing', onPlaying);
      hls.destroy();
    };
  }, [props.url, props.live]);
  return (
    <>
      <video
        ref={ref}
        className="hls-player"
        data-testid="hls-player"
        data-live={props.live}
        data-state={phase}
        data-error={error}
        controls
        playsInline
      />
      {phase !== 'playing' && (
        <p className={phase === 'failed' ? 'error' : 'muted'} data-testid="hls-player-status">
          {t(`recordings.player.${phase}`, { detail: error })}
        </p>
      )}
    </>
  );
}
