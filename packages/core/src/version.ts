/** @module Version resolution used by PUB, lifecycle and the CLI: exact, `latest` and `x` wildcards. */
import semver from 'semver';

const wildcardPattern = /^(\d+|x)(\.(\d+|x))*$/;

/** True when `requested` is `latest` or an x-wildcard like `1.x`, `1.2.x`, `x`. */
export function isVersionAlias(requested: string): boolean {
  return requested === 'latest' || (wildcardPattern.test(requested) && requested.split('.').includes('x'));
}

/** True for a version Racetrack accepts in a manifest: full SemVer 2.0. */
export function isValidVersion(version: string): boolean {
  return semver.valid(version) !== null;
}

/**
 * Picks the version a request means among `available` (already filtered to running ones).
 * `latest` is the highest stable version; `1.x` the highest stable version with major 1;
 * anything else must match exactly. Returns undefined when nothing matches.
 * @example resolveVersion('1.x', ['1.0.0', '1.2.0', '2.0.0']) // '1.2.0'
 */
export function resolveVersion(requested: string, available: readonly string[]): string | undefined {
  if (!isVersionAlias(requested)) return available.includes(requested) ? requested : undefined;
  const stable = available.filter((v) => semver.valid(v) !== null && semver.prerelease(v) === null);
  if (requested === 'latest') return semver.maxSatisfying(stable, '*') ?? undefined;
  const parts = requested.split('.');
  const range = [0, 1, 2].map((i) => parts[i] ?? 'x').join('.');
  return semver.maxSatisfying(stable, range) ?? undefined;
}

/** Sorts versions highest first (invalid ones last), for listings. */
export function compareVersionsDesc(a: string, b: string): number {
  const va = semver.valid(a);
  const vb = semver.valid(b);
  if (va && vb) return semver.rcompare(va, vb);
  if (va) return -1;
  if (vb) return 1;
  return a.localeCompare(b);
}
