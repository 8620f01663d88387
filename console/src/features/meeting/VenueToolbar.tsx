import { useTranslation } from 'react-i18next';
import { useAppDispatch, useAppSelector } from '../../app/hooks.ts';
import { pollingNext } from '../../../../signaling/src/protocol/index.ts';
import { selectMeeting } from './meetingSlice.ts';
import { raiseHand, setCameraOff, setMicMuted } from './meetingThunks.ts';
import { useSetMeetingRecordingMutation } from '../recordings/recordingsApi.ts';

/** This venue's own controls (microphone, camera, raise hand) and what the chair is doing. */
export function VenueToolbar(props: { names: Map<string, string> }) {
  const { t } = useTranslation();
  const dispatch = useAppDispatch();
  const meeting = useAppSelector(selectMeeting);
  const control = meeting.control;
  const [setRecording] = useSetMeetingRecordingMutation();
  const name = (id: string) => props.names.get(id) ?? id;
  const modes: string[] = [];
  if (control?.rollCall) modes.push(t('meeting.mode.rollCall', { venue: name(control.rollCall) }));
  else if (control?.layout) modes.push(t('meeting.mode.layout', { kind: control.layout.kind }));
  else if (control?.broadcast) modes.push(t('meeting.mode.broadcast', { venue: name(control.broadcast) }));
  if (control?.polling) modes.push(t('meeting.mode.polling', { next: pollingNext(control.polling).map(name).join('、') }));
  if (control?.voiceActivated) modes.push(t('meeting.mode.voice'));
  if (control?.locked) modes.push(t('meeting.mode.locked'));

  return (
    <div className="venue-toolbar">
      <button type="button" data-testid="mic-toggle" onClick={() => void dispatch(setMicMuted(!meeting.local.micMuted))}>
        {meeting.local.micMuted ? t('meeting.mic.unmute') : t('meeting.mic.mute')}
      </button>
      <button type="button" data-testid="camera-toggle" onClick={() => void dispatch(setCameraOff(!meeting.local.cameraOff))}>
        {meeting.local.cameraOff ? t('meeting.camera.on') : t('meeting.camera.off')}
      </button>
      {!meeting.isChair && (
        <button type="button" data-testid="hand-toggle" onClick={() => void dispatch(raiseHand(!meeting.local.handRaised))}>
          {meeting.local.handRaised ? t('meeting.hand.lower') : t('meeting.hand.raise')}
        </button>
      )}
      {meeting.isChair && meeting.meetingId && (
        <button
          type="button"
          data-testid="recording-toggle"
          onClick={() => void setRecording({ meetingId: meeting.meetingId!, action: meeting.recording ? 'stop' : 'start' })}
        >
          {meeting.recording ? t('recordings.stop') : t('recordings.start')}
        </button>
      )}
      {meeting.recording && (
        <span className="rec-dot" data-testid="recording-indicator">
          {t('recordings.indicator')}
        </span>
      )}
      <span className="modes" data-testid="meeting-modes">
        {modes.map((m) => (
          <span key={m} className="mode">
            {m}
          </span>
        ))}
      </span>
    </div>
  );
}
