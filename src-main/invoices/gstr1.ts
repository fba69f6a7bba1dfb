/** The GSTR-1 CSV is pure document arithmetic, shared with the central server's facility-wide export. */
export * from '../../src-shared/domain/gstr1.js';
