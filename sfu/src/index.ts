export { Sfu, type SfuStats } from './Sfu.ts';
export { SfuRoom, type ConsumerOptions, type ProducerInfo, type TransportOptions, type RoomCloseReason } from './SfuRoom.ts';
export { SfuError } from './SfuError.ts';
export { readSfuConfig, sfuConfigSchema, type SfuConfig } from './config.ts';
export { configureLogging, getLogger, type Logger } from './lib/logger.ts';
export { EnhancedEventEmitter } from './lib/EnhancedEventEmitter.ts';
export { KeyedQueue } from './lib/KeyedQueue.ts';
export { PlainTap } from './PlainTap.ts';
export { OwnedTimers } from './lib/OwnedTimers.ts';
