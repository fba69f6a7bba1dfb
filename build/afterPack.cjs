/**
 * electron-builder afterPack hook: flips Electron's fuses in the packaged binary before it is
 * signed and wrapped into AppImage / deb / nsis.
 *
 *   RunAsNode                              off  ELECTRON_RUN_AS_NODE cannot turn the kiosk into node
 *   EnableNodeOptionsEnvironmentVariable   off  NODE_OPTIONS cannot inject code
 *   EnableNodeCliInspectArguments          off  --inspect / --inspect-brk are ignored
 *   OnlyLoadAppFromAsar                    on   only resources/app.asar is loaded (no app/ folder)
 *   EnableEmbeddedAsarIntegrityValidation  on   Windows (and macOS) check app.asar against the
 *                                               hash electron-builder embeds in the executable;
 *                                               Linux has no OS integrity layer: a no-op there
 *   GrantFileProtocolExtraPrivileges       off  file:// gets no extra powers (we use app://)
 *   EnableCookieEncryption                 off  (Electron's default) the kiosk stores no cookies;
 *                                               turning it on would make Chromium need the OS
 *                                               keyring at start, which can block an unattended
 *                                               Linux kiosk on a keyring unlock prompt
 *   LoadBrowserProcessSpecificV8Snapshot   off  (default) no custom snapshot
 *
 * Uses @electron/fuses (installed with electron-builder). The settings object is exported so the
 * packaging test can check it, and `fusedBinaryPath` so it can run the hook on a fake binary.
 */
'use strict';

const path = require('node:path');

/** Fuse name (as in @electron/fuses' FuseV1Options) -> wanted state. */
const FUSE_SETTINGS = Object.freeze({
  RunAsNode: false,
  EnableCookieEncryption: false,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  LoadBrowserProcessSpecificV8Snapshot: false,
  GrantFileProtocolExtraPrivileges: false,
});

/** Builds the @electron/fuses config from FUSE_SETTINGS. */
function buildFuseConfig(fuses, platformName, arch) {
  const { FuseVersion, FuseV1Options } = fuses;
  const config = {
    version: FuseVersion.V1,
    // Only needed for Apple Silicon builds (not a target today, harmless elsewhere).
    resetAdHocDarwinSignature: platformName === 'darwin' && arch === 'arm64',
  };
  for (const [name, value] of Object.entries(FUSE_SETTINGS)) {
    const index = FuseV1Options[name];
    if (typeof index !== 'number') throw new Error(`@electron/fuses does not know the fuse ${name}`);
    config[index] = value;
  }
  return config;
}

/** The executable electron-builder produced in appOutDir. */
function fusedBinaryPath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  switch (electronPlatformName) {
    case 'linux':
      return path.join(appOutDir, packager.executableName);
    case 'win32':
      return path.join(appOutDir, `${packager.appInfo.productFilename}.exe`);
    case 'darwin':
    case 'mas':
      return path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
    default:
      throw new Error(`afterPack: unknown platform ${electronPlatformName}`);
  }
}

const ARCH_NAMES = { 0: 'ia32', 1: 'x64', 2: 'armv7l', 3: 'arm64', 4: 'universal' };

async function afterPack(context) {
  const fuses = require('@electron/fuses');
  const binary = fusedBinaryPath(context);
  const arch = typeof context.arch === 'number' ? ARCH_NAMES[context.arch] : context.arch;
  const config = buildFuseConfig(fuses, context.electronPlatformName, arch);
  await fuses.flipFuses(binary, config);
  // Read back and fail the build if any fuse did not take (wrong binary, wire too short, ...).
  const wire = await fuses.getCurrentFuseWire(binary);
  for (const [name, want] of Object.entries(FUSE_SETTINGS)) {
    const index = fuses.FuseV1Options[name];
    const got = wire[index];
    const expected = want ? 49 /* '1' ENABLE */ : 48 /* '0' DISABLE */;
    if (got !== undefined && got !== 114 /* 'r' REMOVED */ && got !== expected) {
      throw new Error(`afterPack: fuse ${name} is ${String.fromCharCode(got)} after flipping, wanted ${want}`);
    }
  }
  console.log(`  • fuses flipped  binary=${path.relative(process.cwd(), binary)}`);
}

module.exports = afterPack;
module.exports.afterPack = afterPack;
module.exports.default = afterPack;
module.exports.FUSE_SETTINGS = FUSE_SETTINGS;
module.exports.buildFuseConfig = buildFuseConfig;
module.exports.fusedBinaryPath = fusedBinaryPath;
