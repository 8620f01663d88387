import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

/** One venue's picture (and sound, for remote venues). The stream itself never enters the store. */
export function VideoTile(props: {
  stream: MediaStream | undefined;
  label: string;
  venueId: string;
  local?: boolean;
  hasVideo: boolean;
  /** Changes whenever the stream's tracks change, so the element is re-bound. */
  version: string;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.srcObject = props.stream ?? null;
    if (props.stream) el.play().catch(() => undefined);
  }, [props.stream, props.version]);
  return (
    <figure className={`tile${props.local ? ' tile-local' : ''}`} data-testid={props.local ? 'tile-local' : `tile-${props.venueId}`}>
      <video ref={ref} autoPlay playsInline muted={props.local} />
      {!props.hasVideo && <div className="tile-placeholder">{t('meeting.noVideo')}</div>}
      <figcaption>{props.label}</figcaption>
    </figure>
  );
}
