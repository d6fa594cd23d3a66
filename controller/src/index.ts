export * from './core.js';
export * from './domain/index.js';
export * from './usecases/index.js';
export { openDatabase, type Db } from './store/index.js';
