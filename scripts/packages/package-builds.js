'use strict';
// The two packages the packaging tests install (rpm/, deb/): what decides each one's content
// (its cache key) and where a cached build is. Shared by the tests (rpm/test, deb/test) and the
// background build `npm test` starts (scripts/packages/prebuild.js).
const path = require('node:path');
const { cachedPackage, REPO_ROOT } = require('./package-cache');

/** The files shared by the RPM and the .deb (installed as they are). */
const SHARED_DIR = path.join(REPO_ROOT, 'packaging');
const SHARED_FILES = ['tomo.service', 'tomo.sysusers', 'tomo.tmpfiles', 'config.yaml', 'tomo.sh', 'tomo.logrotate', 'tidy-tree.js'].map((f) => path.join(SHARED_DIR, f));
const RPM_DIR = path.join(REPO_ROOT, 'rpm');
const DEB_DIR = path.join(REPO_ROOT, 'deb');

/** The commit the RPM packages: HEAD, or $TOMO_RPM_REF (a commit or tag). */
const RPM_REF = process.env.TOMO_RPM_REF || 'HEAD';
/** The commit the .deb packages: HEAD, or $TOMO_DEB_REF (a commit or tag). */
const DEB_REF = process.env.TOMO_DEB_REF || 'HEAD';

/**
 * The RPM to test: $TOMO_RPM if set (a package built elsewhere), else a cached build of the
 * commit (by its tree, the packaging files and the Node.js that compiles the native modules),
 * else a fresh `bash rpm/build.sh --ref <commit>` (a few minutes: npm ci and two native modules).
 * @returns {string}
 */
function builtRpm() {
  if (process.env.TOMO_RPM) return path.resolve(process.env.TOMO_RPM);
  return cachedPackage({
    kind: 'rpm',
    script: path.join(RPM_DIR, 'build.sh'),
    ref: RPM_REF,
    inputs: [path.join(RPM_DIR, 'build.sh'), path.join(RPM_DIR, 'tomo.spec'), ...SHARED_FILES],
    extraKey: process.version,
    fileName: /^tomo-.*\.rpm$/,
  });
}

/**
 * The .deb to test: $TOMO_DEB if set (a package built elsewhere), else a cached build of the
 * commit (by its tree, the packaging files and the Node.js version range the package carries),
 * else a fresh `bash deb/build.sh --ref <commit>` (a few minutes: npm ci, the native modules).
 * @returns {string}
 */
function builtDeb() {
  if (process.env.TOMO_DEB) return path.resolve(process.env.TOMO_DEB);
  return cachedPackage({
    kind: 'deb',
    script: path.join(DEB_DIR, 'build.sh'),
    ref: DEB_REF,
    inputs: [...['build.sh', 'control', 'copyright', 'changelog', 'lintian-overrides', 'postinst', 'prerm', 'postrm'].map((f) => path.join(DEB_DIR, f)), ...SHARED_FILES],
    extraKey: process.env.TOMO_DEB_NODE ?? '24',
    fileName: /^tomo_.*\.deb$/,
  });
}

module.exports = { REPO_ROOT, SHARED_DIR, RPM_DIR, DEB_DIR, RPM_REF, DEB_REF, builtRpm, builtDeb };
