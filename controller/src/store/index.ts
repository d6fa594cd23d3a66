export * from './db.js';
export * from './json.js';
export * from './plans.js';
export * from './customers.js';
export * from './hosts.js';
export * from './subscriptions.js';
export * from './value-sets.js';
export * from './tokens.js';
