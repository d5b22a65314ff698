/** @module Container images of jobs: job-type templates rendered and built through the Docker Engine API. */
export { buildJobImage, type BuildJobImageOptions, type BuiltJobImage } from './build-job-image.ts';
export { listRacetrackImages, pruneBuildCache, pruneRacetrackImages, removeJobImages, type RacetrackImage } from './images.ts';
export { pruneJobImages, type PruneJobImagesOptions } from './prune-images.ts';
export { imageLabels, jobImageName, baseImageName } from './labels.ts';
export { renderDockerfileTemplate, type TemplateVariables } from './template.ts';
export { imageFromWorkspace, workspaceOnlyFiles, type ImageFromWorkspaceOptions } from './from-workspace.ts';
export { createDockerTarget, type DockerTargetOptions } from './docker-target.ts';
export { isPushed, pushJobImage, registryName, type RegistryConfig } from './push.ts';
