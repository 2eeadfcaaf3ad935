export * from './events';
export * from './codec';
export * from './gazetteer';
export * from './places';
export * from './status';
export * from './history';
export * from './explain';
export * from './projection';
