/** @module Public surface of @racetrack/testkit (dev only): server subprocess, CLI runner, deploy helpers, polling. */
export { repoRoot } from './paths.ts';
export { startTestServer, type TestServer, type TestServerOptions } from './server/index.ts';
export { liveJobProcesses, killLeftoverJobs, isProcessRunning } from './server/leftovers.ts';
export { runCli, type CliResult, type CliOptions } from './cli/index.ts';
export { packDirectory, readManifest, copyJob, requestDeploy, deployAndWait, waitForDeployment } from './deploy/index.ts';
export { waitFor } from './poll/index.ts';
export { prepareDockerEngine } from './docker/index.ts';
