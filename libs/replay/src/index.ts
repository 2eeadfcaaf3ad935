export * from './checksum';
export * from './replay-store';
export * from './replayer';
