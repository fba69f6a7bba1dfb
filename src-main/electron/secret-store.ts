/**
 * Kiosk secrets (enrolment secret, signing key) at rest (issue 7 "Secrets"): encrypted with
 * Electron's safeStorage (DPAPI on Windows, the Secret Service/kwallet on Linux) in
 * `<userData>/secrets/<name>.bin`, file mode 0600. Where safeStorage cannot encrypt (a Linux
 * kiosk without a keyring) the value is stored as plain text in the same 0600 file, readable
 * only by the service user, and a warning is logged. Never in the database.
 */
import path from 'node:path';

export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  getSelectedStorageBackend?(): string;
}

export interface SecretFs {
  readFileSync(file: string): Buffer;
  writeFileSync(file: string, data: Buffer, opts: { mode: number }): void;
  mkdirSync(dir: string, opts: { recursive: true; mode: number }): unknown;
  existsSync(file: string): boolean;
  chmodSync(file: string, mode: number): void;
}

const MAGIC_ENC = Buffer.from('PGS1E:');
const MAGIC_PLAIN = Buffer.from('PGS1P:');

export interface SecretStore {
  get(name: string): string | null;
  set(name: string, value: string): void;
  /** True when values are encrypted by the OS keyring, false when only file permissions protect them. */
  encrypted(): boolean;
}

function usableEncryption(safe: SafeStorageLike): boolean {
  if (!safe.isEncryptionAvailable()) return false;
  // On Linux 'basic_text' means a hard-coded key: no better than plain text, so say so.
  return safe.getSelectedStorageBackend?.() !== 'basic_text';
}

export function createSecretStore(dir: string, safe: SafeStorageLike, fs: SecretFs): SecretStore {
  const fileFor = (name: string) => {
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(name)) throw new Error(`bad secret name: ${name}`);
    return path.join(dir, `${name}.bin`);
  };
  return {
    encrypted: () => usableEncryption(safe),
    get(name) {
      const file = fileFor(name);
      if (!fs.existsSync(file)) return null;
      const buf = fs.readFileSync(file);
      const head = buf.subarray(0, MAGIC_ENC.length);
      const body = buf.subarray(MAGIC_ENC.length);
      if (head.equals(MAGIC_ENC)) return safe.decryptString(Buffer.from(body));
      if (head.equals(MAGIC_PLAIN)) return body.toString('utf8');
      throw new Error(`secret ${name}: unknown format`);
    },
    set(name, value) {
      const file = fileFor(name);
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const data = usableEncryption(safe)
        ? Buffer.concat([MAGIC_ENC, safe.encryptString(value)])
        : Buffer.concat([MAGIC_PLAIN, Buffer.from(value, 'utf8')]);
      fs.writeFileSync(file, data, { mode: 0o600 });
      fs.chmodSync(file, 0o600);
    },
  };
}
