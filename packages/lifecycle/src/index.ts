/** @module Public surface of @racetrack/lifecycle: the service, its fastify plugin and its config. */
export { createLifecycle, type Lifecycle } from './service/index.ts';
export type { LifecycleDeps, DeployBuilder } from './service/types.ts';
export { resolveLifecycleConfig, lifecycleDefaults, type LifecycleConfig } from './config/index.ts';
export { createSecretBox, type SecretBox } from './secrets/secret-box.ts';
export { toJobDto, toDeploymentDto } from './jobs/job-dto.ts';
