export * from './errors.js';
export * from './catalogue/properties.js';
export * from './catalogue/components.js';
export * from './catalogue/parse.js';
export * from './names.js';
export * from './wire/values.js';
export * from './dates.js';
