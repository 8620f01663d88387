import { useTranslation } from 'react-i18next';
import { useAppDispatch, useAppSelector } from '../../app/hooks.ts';
import { useServices } from '../../app/MediaContext.ts';
import { selectUser } from '../auth/authSlice.ts';
import { selectMeeting, selectRemoteVenues } from './meetingSlice.ts';
import { leaveMeeting } from './meetingThunks.ts';
import { VideoTile } from './VideoTile.tsx';

export function MeetingPage() {
  const { t } = useTranslation();
  const dispatch = useAppDispatch();
  const services = useServices();
  const meeting = useAppSelector(selectMeeting);
  const venues = useAppSelector(selectRemoteVenues);
  const user = useAppSelector(selectUser);
  const media = services.connected ? services.media : undefined;

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
      {meeting.notice && 'message' in meeting.notice && (
        <p className="error" role="alert">
          {t(meeting.notice.key, { message: meeting.notice.message })}
        </p>
      )}
      <div className="grid">
        <VideoTile
          local
          venueId={user?.venueId ?? 'local'}
          label={`${t('meeting.local')} · ${user?.displayName ?? ''}`}
          stream={media?.localStream}
          hasVideo={meeting.local.video}
          version={`${meeting.local.audio}-${meeting.local.video}`}
        />
        {venues.map((v) => (
          <VideoTile
            key={v.id}
            venueId={v.venueId}
            label={v.venueName}
            stream={media?.remoteStream(v.id)}
            hasVideo={v.video}
            version={`${v.audio}-${v.video}`}
          />
        ))}
      </div>
      {venues.length === 0 && meeting.status === 'joined' && <p className="muted">{t('meeting.noOthers')}</p>}
    </section>
  );
}
