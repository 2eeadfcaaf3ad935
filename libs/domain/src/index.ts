export * from './events';
export * from './codec';
export * from './gazetteer';
export * from './places';
export * from './status';
export * from './ledger';
export * from './explain';
