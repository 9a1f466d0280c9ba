// Every table, for Drizzle's relational queries and for drizzle-kit's migration generator.
export * from './users.js';
export * from './sessions.js';
export * from './outbox.js';
export * from './programs.js';
export * from './schools.js';
export * from './applications.js';
export * from './evidence.js';
export * from './nominations.js';
export * from './reviews.js';
export * from './calibration.js';
export * from './decisions.js';
export * from './audit.js';
export * from './messages.js';
export * from './site.js';
export * from './backups.js';
