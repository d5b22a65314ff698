/** @module Checks the JSON Schema cannot express well: names, SemVer, git URLs, quantities, env names. */
import type { ManifestProblem } from './problems.ts';
import { showValue } from './problems.ts';

/** Environment names the platform sets for every job; a manifest may not override them (spec 7.6). */
export const reservedRuntimeEnvNames: readonly string[] = [
  'PUB_URL',
  'JOB_NAME',
  'JOB_VERSION',
  'JOB_MANIFEST_YAML',
  'AUTH_TOKEN',
  'JOB_DEPLOYMENT_TIMESTAMP',
  'REQUEST_TRACING_HEADER',
  'CALLER_NAME_HEADER',
  'JOB_USER_MODULE_HOSTNAME',
  'FATMAN_NAME',
];

// semver.org's recommended regular expression for SemVer 2.0.
const semverPattern =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
const dnsLabelPattern = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const jobTypePattern = /^[A-Za-z0-9][\w.-]*:[\w.*+-]+$/;
const emailPattern = /^[^@\s]+@[^@\s]+$/;
const envNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
const quantityPattern = /^\+?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?(Ei|Pi|Ti|Gi|Mi|Ki|E|P|T|G|M|k|m|u|n|p)?$/;
const maxLabelLength = 63;

/** The resource name infrastructure derives from a job: `job-<name>-v-<version with . and + as ->`. */
export function jobResourceName(name: string, version: string): string {
  return `job-${name}-v-${version.replace(/[.+]/g, '-')}`.toLowerCase();
}

/** Runs every semantic check on fields that already have the right JSON type. */
export function checkRules(fields: Record<string, unknown>): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const add = (path: string, message: string): void => void problems.push({ path, message });
  const str = (value: unknown): value is string => typeof value === 'string';

  const { name, version, jobtype, owner_email: email } = fields;
  if (str(name)) {
    if (!dnsLabelPattern.test(name)) {
      add('name', `must be DNS-safe: lowercase letters, digits and dashes, starting with a letter and not ending with a dash (no underscores), got ${showValue(name)}`);
    } else {
      const label = jobResourceName(name, str(version) ? version : '0.0.1');
      if (label.length > maxLabelLength) add('name', `is too long: "${label}" must fit in ${maxLabelLength} characters; shorten the name or the version`);
    }
  }
  if (str(version) && !semverPattern.test(version)) add('version', `must be a SemVer version such as "1.2.3" or "1.2.3-rc.1", got ${showValue(version)}`);
  if (str(jobtype) && !jobTypePattern.test(jobtype)) add('jobtype', `must be "name:version" such as "node:latest" or "python3:2.x", got ${showValue(jobtype)}`);
  if (str(email) && !emailPattern.test(email)) add('owner_email', `must be an e-mail address, got ${showValue(email)}`);

  if (isRecord(fields['git'])) problems.push(...checkGit(fields['git']));
  for (const key of ['build_env', 'runtime_env'] as const) {
    const env = fields[key];
    if (!isRecord(env)) continue;
    for (const envName of Object.keys(env)) {
      if (!envNamePattern.test(envName)) add(`${key}.${envName}`, 'is not a valid environment variable name (letters, digits and _, not starting with a digit)');
      else if (key === 'runtime_env' && reservedRuntimeEnvNames.includes(envName)) add(`${key}.${envName}`, `is reserved by Racetrack; choose another name (reserved: ${reservedRuntimeEnvNames.join(', ')})`);
    }
  }
  const resources = fields['resources'];
  if (isRecord(resources)) {
    for (const [key, value] of Object.entries(resources)) {
      if ((typeof value === 'string' || typeof value === 'number') && !quantityPattern.test(String(value))) {
        add(`resources.${key}`, `must be a resource quantity such as "256Mi", "1Gi", "500m" or 0.5, got ${showValue(value)}`);
      }
    }
  }
  return problems;
}

function checkGit(git: Record<string, unknown>): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const { remote, branch, directory } = git;
  if (typeof remote === 'string') {
    const problem = checkRemote(remote);
    if (problem) problems.push({ path: 'git.remote', message: problem });
  }
  if (typeof branch === 'string' && !isValidBranch(branch)) {
    problems.push({ path: 'git.branch', message: `must be a valid git branch name (no spaces, quotes, "..", "~^:?*[\\" or leading "-"), got ${showValue(branch)}` });
  }
  if (typeof directory === 'string') {
    const segments = directory.split(/[\\/]/);
    if (directory.startsWith('/') || /^[A-Za-z]:/.test(directory) || segments.includes('..')) {
      problems.push({ path: 'git.directory', message: `must be a subdirectory inside the repository (relative, without ".."), got ${showValue(directory)}` });
    }
  }
  return problems;
}

/** Why a git remote is unacceptable, or undefined when it is fine. */
export function checkRemote(remote: string): string | undefined {
  if (/^(ssh:\/\/|git@|[\w.-]+@[\w.-]+:)/.test(remote) || remote.startsWith('git://')) {
    return `SSH and git:// remotes are not supported: use the https:// URL of the repository (for a private one, store a token with "racetrack set credentials"), got ${showValue(remote)}`;
  }
  if (remote.startsWith('/')) return undefined;
  let url: URL;
  try {
    url = new URL(remote);
  } catch {
    return `must be an https:// git URL (http://, file:// and absolute local paths are accepted too), got ${showValue(remote)}`;
  }
  if (!['https:', 'http:', 'file:'].includes(url.protocol)) {
    return `must be an https:// git URL (http://, file:// and absolute local paths are accepted too), got ${showValue(remote)}`;
  }
  if (url.protocol !== 'file:' && url.hostname === '') return `must name a host, got ${showValue(remote)}`;
  return undefined;
}

// An approximation of `git check-ref-format --branch` that needs no git binary.
function isValidBranch(branch: string): boolean {
  if (branch === '' || branch.startsWith('-') || branch.startsWith('/') || branch.endsWith('/')) return false;
  if (branch.endsWith('.') || branch.endsWith('.lock') || branch === '@') return false;
  if (/[\s"~^:?*[\\\x00-\x1f\x7f]/.test(branch)) return false;
  if (branch.includes('..') || branch.includes('@{') || branch.includes('//')) return false;
  return branch.split('/').every((part) => part !== '' && !part.startsWith('.'));
}

/** True for a plain (non-list) object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
