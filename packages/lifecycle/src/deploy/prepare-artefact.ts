/** @module The build phases a target adds after the builder: docker turns the workspace into a job image (and pushes it). */
import { deploymentPhases } from '@racetrack/core';
import type { InfraDriver, JobArtefact } from '@racetrack/infra';

/** The image build of a target shows as the first (and only) image of the deployment (spec 8.3: `building image (1/N)`). */
export const imagePhase = `${deploymentPhases.building} (1/1)`;

export interface PrepareRequest {
  jobName: string;
  version: string;
  artefact: JobArtefact;
  manifest: Record<string, unknown>;
  gitVersion?: string;
  racetrackVersion: string;
  noCache: boolean;
  onLog: (line: string) => void;
  onPhase: (phase: string) => void;
}

/**
 * What the driver runs: its `prepare` result, built under `building image (1/1)` (and `pushing image (1/1)`
 * when the driver pushes), followed by `finalizing the build`; the builder's artefact when the driver has no prepare.
 */
export async function prepareArtefact(driver: InfraDriver | undefined, request: PrepareRequest): Promise<JobArtefact> {
  if (!driver?.prepare) return request.artefact;
  request.onPhase(imagePhase);
  const artefact = await driver.prepare({
    jobName: request.jobName,
    version: request.version,
    artefact: request.artefact,
    manifest: request.manifest,
    ...(request.gitVersion ? { gitVersion: request.gitVersion } : {}),
    racetrackVersion: request.racetrackVersion,
    ...(request.noCache ? { noCache: true } : {}),
  }, { onLog: request.onLog, onPhase: request.onPhase });
  request.onPhase(deploymentPhases.finalizing);
  return artefact;
}

/** The builder's phases as the deployment shows them: with a prepare step after it, its `finalizing the build` waits for that step. */
export function builderPhases(driver: InfraDriver | undefined, setPhase: (phase: string) => void): (phase: string) => void {
  if (!driver?.prepare) return setPhase;
  return (phase) => {
    if (phase !== deploymentPhases.finalizing) setPhase(phase);
  };
}
