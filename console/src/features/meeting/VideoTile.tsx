import { useTranslation } from 'react-i18next';
import { useMediaStream } from './useMediaStream.ts';

/** One venue's picture. The stream itself never enters the store. */
export function VideoTile(props: {
  stream: MediaStream | undefined;
  label: string;
  venueId: string | null;
  testId: string;
  local?: boolean;
  hasVideo: boolean;
  placeholder?: string;
  /** Changes whenever the stream's tracks change, so the element is re-bound. */
  version: string;
  className?: string;
  /** The tile plays the meeting's programme stream. */
  programme?: boolean;
}) {
  const { t } = useTranslation();
  const ref = useMediaStream<HTMLVideoElement>(props.stream, props.version);
  return (
    <figure
      className={`tile${props.local ? ' tile-local' : ''}${props.className ? ` ${props.className}` : ''}`}
      data-testid={props.testId}
      data-venue={props.venueId ?? ''}
      data-programme={props.programme ? 'true' : undefined}
    >
      <video ref={ref} autoPlay playsInline muted />
      {!props.hasVideo && <div className="tile-placeholder">{props.placeholder ?? t('meeting.noVideo')}</div>}
      {props.label && <figcaption>{props.label}</figcaption>}
    </figure>
  );
}
