/**
 * Security-relevant dependencies and the lowest versions carrying the fixes for advisories
 * known to us (checked 2026-11-29). `npm audit` is not served by the registry Tomo is built
 * against here, so this list is the check: `dependency-versions.test.ts` fails when any copy of
 * one of these packages in package-lock.json (nested copies too) is below its line's minimum.
 * Keys of `minimum` are major versions; `*` covers majors not listed (omit it to accept them).
 * When an advisory appears, raise the minimum here and update the lockfile.
 */
export interface FixedVersionRule {
  /** The package must be in the lockfile (it is on Tomo's security boundary). */
  required?: boolean;
  minimum: Record<string, string>;
  why: string;
}

export const FIXED_VERSIONS: Record<string, FixedVersionRule> = {
  jsonwebtoken: { minimum: { '*': '9.0.0' }, why: 'CVE-2022-23529, CVE-2022-23539, CVE-2022-23540, CVE-2022-23541 (key and algorithm confusion)' },
  jose: { minimum: { '2': '2.0.7', '3': '4.15.5', '4': '4.15.5', '5': '5.2.3' }, why: 'CVE-2024-28176 (JWE decompression resource exhaustion)' },
  koa: { required: true, minimum: { '2': '2.16.2', '3': '3.0.1' }, why: 'CVE-2025-25200 (ReDoS in X-Forwarded headers), CVE-2025-32379 (XSS in redirect), CVE-2025-54420 (open redirect in back())' },
  '@koa/router': { required: true, minimum: { '*': '13.0.0' }, why: 'routes through path-to-regexp releases without CVE-2024-45296' },
  'path-to-regexp': { minimum: { '0': '0.1.12', '1': '1.9.0', '3': '3.3.0', '6': '6.3.0' }, why: 'CVE-2024-45296, CVE-2024-52798 (ReDoS)' },
  yaml: { required: true, minimum: { '2': '2.2.2' }, why: 'CVE-2023-2251 (uncaught exception on crafted input)' },
  'js-yaml': { minimum: { '3': '3.14.2', '4': '4.1.1' }, why: 'CVE-2025-64718 (prototype pollution through merge keys)' },
  tar: { minimum: { '6': '6.2.1', '7': '7.5.2' }, why: 'CVE-2024-28863 (folder depth DoS), CVE-2025-64118' },
  'tar-fs': { minimum: { '1': '1.16.6', '2': '2.1.4', '3': '3.1.1' }, why: 'CVE-2024-12905, CVE-2025-48387, CVE-2025-59343 (writes outside the target folder)' },
  ssh2: { required: true, minimum: { '*': '1.4.0' }, why: 'CVE-2020-26301 (command injection)' },
  typeorm: { required: true, minimum: { '0': '0.3.0' }, why: 'CVE-2022-33171 (SQL injection through findOne with an object)' },
  '@modelcontextprotocol/sdk': { required: true, minimum: { '1': '1.24.0' }, why: 'CVE-2025-66414 (DNS rebinding protection off by default)' },
  zod: { required: true, minimum: { '3': '3.22.3' }, why: 'CVE-2023-4316 (ReDoS in email validation)' },
  cookie: { minimum: { '0': '0.7.0' }, why: 'CVE-2024-47764 (cookie name, path and domain injection)' },
  send: { minimum: { '0': '0.19.0' }, why: 'CVE-2024-43799 (template injection to XSS)' },
  'body-parser': { minimum: { '1': '1.20.3' }, why: 'CVE-2024-45590 (denial of service with url encoding)' },
  express: { minimum: { '4': '4.20.0' }, why: 'CVE-2024-43796 (XSS in redirect)' },
  'cross-spawn': { minimum: { '6': '6.0.6', '7': '7.0.5' }, why: 'CVE-2024-21538 (ReDoS)' },
  ws: { minimum: { '7': '7.5.10', '8': '8.17.1' }, why: 'CVE-2024-37890 (DoS with many headers)' },
  micromatch: { minimum: { '4': '4.0.8' }, why: 'CVE-2024-4067 (ReDoS)' },
  'brace-expansion': { minimum: { '1': '1.1.12', '2': '2.0.2' }, why: 'CVE-2025-5889 (ReDoS)' },
  nanoid: { minimum: { '3': '3.3.8' }, why: 'CVE-2024-55565 (predictable ids with non-integer sizes)' },
  'form-data': { minimum: { '2': '2.5.4', '3': '3.0.4', '4': '4.0.4' }, why: 'CVE-2025-7783 (predictable multipart boundary)' },
  semver: { minimum: { '5': '5.7.2', '6': '6.3.1', '7': '7.5.2' }, why: 'CVE-2022-25883 (ReDoS)' },
};
