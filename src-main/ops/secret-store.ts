/**
 * Kiosk secrets at rest, the one store every start-up path uses (`serve`, the first-run wizard
 * through settings.update, the Electron shell): the kiosk secret from server enrolment. Never in
 * the database.
 *
 * - Browser / `serve` mode: one file per secret in `<dataDir>/secrets/` (directory 0700, files
 *   0600: readable only by the service user), written atomically.
 * - Electron: the same store with a `SecretCipher` built from Electron's safeStorage
 *   (`safeStorageCipher(safeStorage)`): values are then encrypted by the OS keyring (DPAPI on
 *   Windows, libsecret/kwallet on Linux) and the file holds only ciphertext. Where safeStorage
 *   cannot encrypt (no keyring, or Linux's `basic_text` backend) the value is stored in plain
 *   text in the 0600 file, and `encrypted()` says so.
 *
 * File format: `<dataDir>/secrets/<name>.secret` holding `PGS1E:` + ciphertext, or `PGS1P:` +
 * UTF-8 plain text.
 */
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The store name of the kiosk secret (the wizard saves it, `serve` and the Electron shell read it). */
export const KIOSK_SECRET_NAME = 'kiosk-secret';

export interface SecretStore {
  get(name: string): string | null;
  set(name: string, value: string): void;
  delete(name: string): void;
  /** True when values are encrypted by the OS keyring; false when only file permissions protect them. */
  encrypted(): boolean;
}

/** The injectable encrypt/decrypt pair (Electron: safeStorage). */
export interface SecretCipher {
  available(): boolean;
  encrypt(plain: string): Buffer;
  decrypt(data: Buffer): string;
}

/** The part of Electron's `safeStorage` the cipher needs (kept structural: no electron import here). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  getSelectedStorageBackend?(): string;
}

export function safeStorageCipher(safe: SafeStorageLike): SecretCipher {
  return {
    // Linux 'basic_text' encrypts with a hard-coded key: no better than plain text, so say so.
    available: () => safe.isEncryptionAvailable() && safe.getSelectedStorageBackend?.() !== 'basic_text',
    encrypt: (plain) => safe.encryptString(plain),
    decrypt: (data) => safe.decryptString(data),
  };
}

const MAGIC_ENC = Buffer.from('PGS1E:');
const MAGIC_PLAIN = Buffer.from('PGS1P:');
const OWNER_ONLY = 0o600;

export function secretsDirFor(dbPath: string): string {
  return join(dbPath, '..', 'secrets');
}

/** The secret store next to a kiosk database, encrypted with `cipher` when one is given and usable. */
export function kioskSecretStore(dbPath: string, cipher: SecretCipher | null = null): SecretStore {
  return createFileSecretStore(secretsDirFor(resolve(dbPath)), cipher);
}

/** Secrets of an in-memory database (tests): gone with the process, like the database. */
export function createMemorySecretStore(): SecretStore {
  const values = new Map<string, string>();
  return {
    encrypted: () => false,
    get: (name) => values.get(name) ?? null,
    set: (name, value) => void values.set(name, value),
    delete: (name) => void values.delete(name),
  };
}

/** Permission bits of a file, e.g. 0o600 (POSIX only; null on Windows, where ACLs apply). */
export function fileMode(file: string): number | null {
  if (process.platform === 'win32') return null;
  return statSync(file).mode & 0o777;
}

/**
 * Makes a secret file readable by its owner only. Returns the mode it had when that was looser
 * (e.g. a secrets file copied over from another machine), else null.
 */
export function ensureOwnerOnly(file: string): number | null {
  if (process.platform === 'win32' || !existsSync(file)) return null;
  const mode = fileMode(file)!;
  if ((mode & 0o077) === 0) return null;
  chmodSync(file, OWNER_ONLY);
  return mode;
}

function writeAtomic(file: string, data: Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', OWNER_ONLY);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, OWNER_ONLY); // whatever the umask
  renameSync(tmp, file);
}

export function createFileSecretStore(dir: string, cipher: SecretCipher | null = null): SecretStore {
  const fileFor = (name: string) => {
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(name)) throw new Error(`bad secret name: ${name.slice(0, 64)}`);
    return join(dir, `${name}.secret`);
  };
  const canEncrypt = () => cipher !== null && cipher.available();
  return {
    encrypted: canEncrypt,
    get(name) {
      const file = fileFor(name);
      if (!existsSync(file)) return null;
      ensureOwnerOnly(file);
      const buf = readFileSync(file);
      const head = buf.subarray(0, MAGIC_ENC.length);
      const body = buf.subarray(MAGIC_ENC.length);
      if (head.equals(MAGIC_PLAIN)) return body.toString('utf8');
      if (head.equals(MAGIC_ENC)) {
        if (!cipher) throw new Error(`secret ${name} is encrypted and no cipher is available`);
        return cipher.decrypt(Buffer.from(body));
      }
      throw new Error(`secret ${name}: unknown format`);
    },
    set(name, value) {
      const file = fileFor(name);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      if (process.platform !== 'win32') chmodSync(dir, 0o700);
      const data = canEncrypt()
        ? Buffer.concat([MAGIC_ENC, cipher!.encrypt(value)])
        : Buffer.concat([MAGIC_PLAIN, Buffer.from(value, 'utf8')]);
      writeAtomic(file, data);
    },
    delete(name) {
      rmSync(fileFor(name), { force: true });
    },
  };
}

/** A kiosk secret is a few dozen characters; anything this big is not one. */
const SECRET_FILE_MAX_BYTES = 4096;

/**
 * Reads a secret handed over in a file (`serve --kiosk-secret-file`): a regular file, readable by
 * its owner only (a file group or others can read is refused, never silently tightened: the
 * secret may already have leaked and the operator must know), one line, a trailing newline
 * dropped. The errors name the file and the fix, never the secret.
 */
export function readSecretFile(path: string): string {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new Error(`The kiosk secret file ${path} does not exist or cannot be read.`);
  }
  if (!st.isFile()) throw new Error(`The kiosk secret file ${path} is not a regular file.`);
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
    throw new Error(
      `The kiosk secret file ${path} can be read by other users (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}). ` +
        `Make it readable by its owner only: chmod 600 ${path}`,
    );
  }
  if (st.size > SECRET_FILE_MAX_BYTES) throw new Error(`The kiosk secret file ${path} is larger than ${SECRET_FILE_MAX_BYTES} bytes: it does not hold a kiosk secret.`);
  const value = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  if (value.trim() === '' || /[\r\n]/.test(value)) throw new Error(`The kiosk secret file ${path} must hold the secret on one line.`);
  return value;
}

/** The command-line flag that would put the secret where `ps` shows it to every user. */
export const REFUSED_SECRET_FLAG = '--kiosk-secret';

/**
 * The kiosk secret `serve` starts with: `--kiosk-secret-file <path>` (or PARKGATE_KIOSK_SECRET_FILE)
 * or PARKGATE_KIOSK_SECRET, never both; undefined when neither is given (the saved one is used).
 * The secret itself on the command line is refused, with the way to do it instead.
 */
export function kioskSecretFromStartup(argv: string[], env: NodeJS.ProcessEnv, file: string | undefined): string | undefined {
  if (argv.some((a) => a === REFUSED_SECRET_FLAG || a.startsWith(`${REFUSED_SECRET_FLAG}=`))) {
    throw new Error(
      `${REFUSED_SECRET_FLAG} is refused: a secret on the command line can be read by every user of this machine (ps). ` +
        'Put it in a file readable only by the kiosk user and pass --kiosk-secret-file <path>, or set PARKGATE_KIOSK_SECRET.',
    );
  }
  const fromEnv = env.PARKGATE_KIOSK_SECRET;
  if (file && fromEnv) throw new Error('Give the kiosk secret once: either --kiosk-secret-file (PARKGATE_KIOSK_SECRET_FILE) or PARKGATE_KIOSK_SECRET.');
  if (file) return readSecretFile(file);
  return fromEnv || undefined;
}
