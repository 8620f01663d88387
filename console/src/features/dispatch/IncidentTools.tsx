import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Incident } from '../../../../signaling/src/protocol/dispatch.ts';
import { errorMessage } from '../../app/errorMessage.ts';
import { useAppDispatch } from '../../app/hooks.ts';
import { joinMeeting } from '../meeting/meetingThunks.ts';
import { useExportCapMutation, useStartEmergencyMeetingMutation } from './dispatchApi.ts';

/** One-click emergency meeting and the CAP warning export. */
export function IncidentTools({ incident }: { incident: Incident }) {
  const { t } = useTranslation();
  const dispatch = useAppDispatch();
  const [startMeeting, meeting] = useStartEmergencyMeetingMutation();
  const [exportCap, cap] = useExportCapMutation();
  const meetingId = meeting.data?.meetingId ?? incident.meetingIds.at(-1) ?? null;
  const capUrl = useMemo(
    () => (cap.data ? URL.createObjectURL(new Blob([cap.data.xml], { type: 'application/cap+xml' })) : null),
    [cap.data],
  );
  useEffect(() => () => void (capUrl && URL.revokeObjectURL(capUrl)), [capUrl]);
  const [confirmAgain, setConfirmAgain] = useState(false);
  const hasMeeting = incident.meetingIds.length > 0;
  const closed = incident.state === 'closed';

  return (
    <div className="dispatch-row">
      <button
        type="button"
        data-testid="meeting-start"
        disabled={closed || meeting.isLoading || (hasMeeting && !confirmAgain)}
        onClick={() => void startMeeting({ id: incident.id, again: hasMeeting }).then(() => setConfirmAgain(false))}
      >
        {hasMeeting ? t('dispatch.detail.meetingAgain') : t('dispatch.detail.meeting')}
      </button>
      {hasMeeting && !confirmAgain && !closed && (
        <input type="checkbox" aria-label={t('dispatch.detail.meetingAgain')} checked={confirmAgain} onChange={(e) => setConfirmAgain(e.target.checked)} />
      )}
      {meeting.data && (
        <span data-testid="meeting-started" data-meeting-id={meeting.data.meetingId}>
          {t('dispatch.detail.meetingStarted', { count: meeting.data.invitedVenueIds.length })}
        </span>
      )}
      {meetingId && (
        <button type="button" data-testid="meeting-join" onClick={() => void dispatch(joinMeeting(meetingId))}>
          {t('dispatch.detail.joinMeeting')}
        </button>
      )}
      {meeting.error && <span className="error">{t('dispatch.detail.actionFailed', { message: errorMessage(meeting.error) })}</span>}
      <button type="button" data-testid="cap-export" disabled={cap.isLoading} onClick={() => void exportCap(incident.id)}>
        {t('dispatch.detail.cap')}
      </button>
      {cap.data && capUrl && (
        <>
          <span data-testid="cap-identifier">{t('dispatch.detail.capExported', { identifier: cap.data.identifier })}</span>
          <a href={capUrl} download={`${cap.data.identifier}.xml`}>
            {t('dispatch.detail.download')}
          </a>
        </>
      )}
      {cap.error && <span className="error">{t('dispatch.detail.actionFailed', { message: errorMessage(cap.error) })}</span>}
    </div>
  );
}
