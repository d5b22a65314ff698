/** @module Public surface of @racetrack/cli: the CLI runner and the pieces other tools reuse. */
export { runCli, failureExitCode } from './run.ts';
export { createProgram } from './program/index.ts';
export { commandSpecs, type CommandSpec, type OptionSpec } from './program/spec.ts';
export { resolveCliSettings, readClientConfig, writeClientConfig, cliDefaults, type ClientConfig, type CliSettings } from './config/index.ts';
export { resolveRemote, isLocalRemote, findGitCredentials, findAuthToken } from './remote/index.ts';
export { packBuildContext, listContextFiles } from './deploy/context.ts';
export { buildDeployPayload, chooseBuildContext } from './deploy/payload.ts';
