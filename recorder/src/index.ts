export { Recorder, type RecorderEvents } from './Recorder.ts';
export { Recording, type RecordingEvents, type RecordingOptions } from './Recording.ts';
export { recorderConfigSchema, readRecorderConfig, type RecorderConfig, type RecorderConfigInput } from './config.ts';
export { RecorderError } from './errors.ts';
export { MemoryRecordingStore, recordingInfoSchema, type RecordingInfo, type RecordingStatus, type RecordingStore } from './RecordingStore.ts';
export { RedisRecordingStore, recordingKeys } from './RedisRecordingStore.ts';
export { PLAYLIST_NAME } from './HlsPlaylist.ts';
export { MP4_NAME } from './exportMp4.ts';
export { paneCount, paneRects, type Rect } from './layouts.ts';
export {
  LAYOUT_KINDS,
  recordingLayoutSchema,
  recordingAudioSchema,
  type LayoutKind,
  type RecordingAudio,
  type RecordingLayout,
  type RecordingSource,
  type RecordingTap,
  type TapFactory,
  type TapTarget,
} from './types.ts';
