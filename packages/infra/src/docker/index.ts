/** @module The docker infrastructure driver (subpath `@racetrack/infra/docker`, so only users of Docker load dockerode). */
export { createDockerDriver, type DockerDriverOptions, type WorkspaceImageSpec } from './driver.ts';
export { containerLabels, containerName, resourceName, jobPort } from './naming.ts';
export { parseQuantity, resourceLimits } from './resources.ts';
export { dockerEngineVersion } from './engine.ts';
