/** Facility-local calendar maths for the reports: the shared rules (the server's head office uses them too). */
export * from '../../src-shared/domain/local-time.js';
