/** @module Public surface of @racetrack/manifest: the job.yaml schema, loading, overrides and validation. */
export { loadManifestFile, parseManifestText, manifestFileNames, type LoadedManifest, type LoadOptions } from './load/index.ts';
export { validateManifest, type ValidatedManifest } from './validate/index.ts';
export { applyOverrides, deepMerge, parseOverride } from './merge/index.ts';
export { parseEnvFile, readSecretVars, type SecretVars } from './env-file/index.ts';
export { reservedRuntimeEnvNames, jobResourceName, checkRemote } from './validate/rules.ts';
export type { ManifestProblem } from './validate/problems.ts';
export { manifestDefaults, manifestJsonSchema, type Manifest, type ManifestGit, type ManifestResources } from './schema/index.ts';
