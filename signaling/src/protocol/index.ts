export * from './model.ts';
export * from './errors.ts';
export * from './media.ts';
export * from './socket.ts';
export * from './rest.ts';
export * from './control.ts';
export * from './dispatch.ts';
