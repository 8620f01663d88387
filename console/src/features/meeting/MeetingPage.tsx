import { useTranslation } from 'react-i18next';
import { useAppDispatch, useAppSelector } from '../../app/hooks.ts';
import { useServices } from '../../app/MediaContext.ts';
import { initialControlState, screenFor } from '../../../../signaling/src/protocol/index.ts';
import { selectUser } from '../auth/authSlice.ts';
import { AudioSinks } from './AudioSinks.tsx';
import { ChairPanel } from './ChairPanel.tsx';
import { selectMeeting, selectRemoteVenues } from './meetingSlice.ts';
import { leaveMeeting } from './meetingThunks.ts';
import { ScreenView } from './ScreenView.tsx';
import { VenueToolbar } from './VenueToolbar.tsx';
import { VideoTile } from './VideoTile.tsx';

export function MeetingPage() {
  const { t } = useTranslation();
  const dispatch = useAppDispatch();
  const services = useServices();
  const meeting = useAppSelector(selectMeeting);
  const venues = useAppSelector(selectRemoteVenues);
  const user = useAppSelector(selectUser);
  const media = services.connected ? services.media : undefined;
  const selfVenue = user?.venueId ?? '';
  const chairVenueId = meeting.chairVenueId ?? '';
  const names = new Map(meeting.invited.map((v) => [v.venueId, v.venueName]));
  const presentIds = new Set([selfVenue, ...venues.map((v) => v.venueId)]);
  const control = meeting.control ?? initialControlState({ muteOnJoin: false, invited: [], chairVenueId });
  const screen = screenFor(control, selfVenue, {
    chairVenueId,
    present: meeting.invited.map((v) => v.venueId).filter((id) => presentIds.has(id)),
  });

  const banner =
    meeting.status === 'joining'
      ? t('meeting.joining')
      : meeting.status === 'reconnecting'
        ? t('meeting.reconnecting')
        : meeting.status === 'media-restarting'
          ? t('meeting.mediaRestarting')
          : null;

  return (
    <section className="meeting" data-testid="meeting-page" data-status={meeting.status}>
      <div className="meeting-bar">
        <h2 data-testid="meeting-title">{meeting.title}</h2>
        <span className="muted">{t('meeting.participants', { count: venues.length + 1 })}</span>
        <button type="button" className="danger" data-testid="leave-meeting" onClick={() => void dispatch(leaveMeeting())}>
          {t('meeting.leave')}
        </button>
      </div>
      {banner && (
        <p className="banner" role="status">
          {banner}
        </p>
      )}
      <VenueToolbar names={names} />
      <div className="meeting-body">
        <div className="stage">
          <ScreenView screen={screen} venues={venues} names={names} programmeVideo={meeting.programmeVideo} />
          <VideoTile
            local
            testId="tile-local"
            venueId={selfVenue}
            label={`${t('meeting.local')} · ${names.get(selfVenue) ?? user?.displayName ?? ''}`}
            stream={media?.localStream}
            hasVideo={meeting.local.video && !meeting.local.cameraOff}
            version={`${meeting.local.audio}-${meeting.local.video}`}
            className="local-preview"
          />
        </div>
        {meeting.isChair && <ChairPanel names={names} />}
      </div>
      <AudioSinks venues={venues} />
      {venues.length === 0 && meeting.status === 'joined' && <p className="muted">{t('meeting.noOthers')}</p>}
    </section>
  );
}
