export * from './claim-facts';
export * from './claimant-line';
export * from './district-state';
export * from './line-record';
export * from './position-of';
export * from './withdrawals';
export * from './routing';
