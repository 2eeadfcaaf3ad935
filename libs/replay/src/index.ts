export * from './checksum';
export * from './read-model-versions.repository';
export * from './replay-lock';
export * from './replay-run';
export * from './replay-store';
export * from './replayer';
