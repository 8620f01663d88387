import { useTranslation } from 'react-i18next';
import { useServices } from '../../app/MediaContext.ts';
import { PROGRAMME_ID, type Screen } from '../../../../signaling/src/protocol/index.ts';
import type { RemoteVenue } from './meetingSlice.ts';
import { VideoTile } from './VideoTile.tsx';

/**
 * The main screen: the panes of the current layout, each showing one venue's video. A screen
 * showing the programme plays the server's programme stream (switched server-side from venue to
 * venue) in its one pane, labelled with the venue it shows.
 */
export function ScreenView(props: { screen: Screen; venues: RemoteVenue[]; names: Map<string, string>; programmeVideo: boolean }) {
  const { t } = useTranslation();
  const services = useServices();
  const media = services.connected ? services.media : undefined;
  const byVenue = new Map(props.venues.map((v) => [v.venueId, v]));
  return (
    <div className={`screen screen-${props.screen.kind.replace('+', 'p')}`} data-testid="screen" data-layout={props.screen.kind}>
      {props.screen.panes.map((venueId, index) => {
        const venue = venueId ? byVenue.get(venueId) : undefined;
        if (!venueId) {
          return (
            <div key={`empty-${index}`} className="tile tile-empty" data-testid="pane-empty" data-pane={index}>
              <div className="tile-placeholder">{t('meeting.emptyPane')}</div>
            </div>
          );
        }
        if (props.screen.programme && props.programmeVideo) {
          return (
            <VideoTile
              key="programme"
              testId={`tile-${venueId}`}
              venueId={venueId}
              programme
              className="pane-main"
              label={props.names.get(venueId) ?? venueId}
              stream={media?.remoteVideo(PROGRAMME_ID)}
              hasVideo
              version="programme"
            />
          );
        }
        return (
          <VideoTile
            key={`${venueId}-${index}`}
            testId={`tile-${venueId}`}
            venueId={venueId}
            className={index === 0 ? 'pane-main' : undefined}
            label={props.names.get(venueId) ?? venueId}
            stream={venue ? media?.remoteVideo(venue.id) : undefined}
            hasVideo={Boolean(venue?.video)}
            placeholder={venue ? undefined : t('meeting.absent')}
            version={`${venue?.id}-${venue?.video}`}
          />
        );
      })}
    </div>
  );
}
