/** @module The in-memory routing table: which versions of which job run where, and how a request resolves. */
import { isVersionAlias, resolveVersion, type ErrorCode, type JobDto, type JobStatus } from '@racetrack/core';

/** One deployed job version as PUB routes to it. */
export interface RouteTarget {
  readonly name: string;
  readonly version: string;
  readonly status: JobStatus;
  /** `host:port` of every instance; empty when none is known. */
  readonly replicas: readonly string[];
  /** Round-robin cursor over `replicas`. */
  cursor: number;
  /** Per-target cache slot for whoever serves it (metric children), so the hot path allocates nothing. */
  slot: unknown;
}

/** A request that cannot be routed: what to answer and whether fresher data could change the answer. */
export interface RouteFailure {
  readonly code: ErrorCode;
  readonly message: string;
  readonly jobStatus?: JobStatus;
}

export type Resolution = RouteTarget | RouteFailure;

/** True when the resolution is a routable target. */
export function isTarget(resolution: Resolution): resolution is RouteTarget {
  return 'replicas' in resolution;
}

/** Picks the next instance of a target, round-robin. */
export function nextReplica(target: RouteTarget): string | undefined {
  const { replicas } = target;
  if (replicas.length <= 1) return replicas[0];
  const index = target.cursor % replicas.length;
  target.cursor = index + 1;
  return replicas[index];
}

function replicasOf(job: JobDto): string[] {
  const listed = (job.replica_internal_names ?? []).filter((r) => typeof r === 'string' && r.length > 0);
  if (listed.length > 0) return listed;
  return job.internal_name ? [job.internal_name] : [];
}

function isRoutable(target: RouteTarget): boolean {
  return target.status === 'running' && target.replicas.length > 0;
}

function describeVersions(versions: Map<string, RouteTarget>): string {
  return [...versions.values()].map((t) => `${t.version} (${t.status})`).join(', ');
}

/**
 * Job versions by name, replaced wholesale from lifecycle's listing. Successful resolutions are cached
 * until the next change, so a hot route costs two map lookups; failures are computed each time so that
 * a flood of random names cannot grow memory.
 */
export class RoutingTable {
  #jobs = new Map<string, Map<string, RouteTarget>>();
  #cache = new Map<string, Map<string, RouteTarget>>();
  #signature = '';
  #loaded = false;

  /** True once a listing has been applied. */
  get loaded(): boolean {
    return this.#loaded;
  }

  /** Number of job versions known. */
  get size(): number {
    let count = 0;
    for (const versions of this.#jobs.values()) count += versions.size;
    return count;
  }

  /** Every `host:port` a target points at. */
  hosts(): Set<string> {
    const hosts = new Set<string>();
    for (const versions of this.#jobs.values()) {
      for (const target of versions.values()) for (const replica of target.replicas) hosts.add(replica);
    }
    return hosts;
  }

  /** Applies a job listing; returns false (and keeps cursors and caches) when nothing relevant changed. */
  replace(jobs: readonly JobDto[]): boolean {
    const signature = jobs.map((j) => `${j.name}\u0000${j.version}\u0000${j.status}\u0000${replicasOf(j).join(',')}`).join('\n');
    this.#loaded = true;
    if (signature === this.#signature) return false;
    const next = new Map<string, Map<string, RouteTarget>>();
    for (const job of jobs) {
      let versions = next.get(job.name);
      if (!versions) next.set(job.name, (versions = new Map()));
      versions.set(job.version, { name: job.name, version: job.version, status: job.status, replicas: replicasOf(job), cursor: 0, slot: undefined });
    }
    this.#jobs = next;
    this.#cache = new Map();
    this.#signature = signature;
    return true;
  }

  /** Resolves `requested` (exact, `latest`, or an x-wildcard) for job `name`. */
  resolve(name: string, requested: string): Resolution {
    const hit = this.#cache.get(name)?.get(requested);
    if (hit) return hit;
    const resolution = this.#resolveUncached(name, requested);
    if (isTarget(resolution)) {
      let perName = this.#cache.get(name);
      if (!perName) this.#cache.set(name, (perName = new Map()));
      perName.set(requested, resolution);
    }
    return resolution;
  }

  #resolveUncached(name: string, requested: string): Resolution {
    const versions = this.#jobs.get(name);
    if (!versions) return { code: 'JOB_NOT_FOUND', message: `job "${name}" is not deployed` };
    if (!isVersionAlias(requested)) {
      const target = versions.get(requested);
      if (!target) {
        return { code: 'JOB_NOT_FOUND', message: `job "${name}" has no version "${requested}"; deployed versions: ${describeVersions(versions)}` };
      }
      if (isRoutable(target)) return target;
      return this.#notRunning(target);
    }
    const routable = [...versions.values()].filter(isRoutable).map((t) => t.version);
    const chosen = resolveVersion(requested, routable);
    if (chosen !== undefined) return versions.get(chosen) as RouteTarget;
    const wouldMatch = resolveVersion(requested, [...versions.keys()]);
    if (wouldMatch !== undefined) {
      const target = versions.get(wouldMatch) as RouteTarget;
      return { ...this.#notRunning(target), message: `no running version of job "${name}" matches "${requested}": ${this.#notRunning(target).message}` };
    }
    return {
      code: 'JOB_NOT_FOUND',
      message: `job "${name}" has no stable version matching "${requested}"; deployed versions: ${describeVersions(versions)}`,
    };
  }

  #notRunning(target: RouteTarget): RouteFailure {
    const why = target.status === 'running' ? 'running but has no reachable instance' : `${target.status}, not running`;
    return { code: 'JOB_NOT_RUNNING', message: `job "${target.name}" version ${target.version} is ${why}`, jobStatus: target.status };
  }
}
