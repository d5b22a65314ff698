/** @module Build vars (build_env + secret build vars) as a shell file for the build stages that need them. */
import { RacetrackError } from '@racetrack/core';

/** Name of the generated file in the build context; templates source it and delete it (see python3's job template). */
export const buildEnvFileName = '.racetrack-build-env';

/** `KEY='value'` lines, single-quoted so no value is ever interpreted by the shell. */
export function renderBuildEnvFile(buildEnv: Record<string, string>): string {
  const lines = Object.entries(buildEnv).map(([key, value]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new RacetrackError('MANIFEST_INVALID', `build_env key "${key}" is not a valid environment variable name (letters, digits, _)`, {
        details: { field: `build_env.${key}` },
      });
    }
    return `${key}='${value.replace(/'/g, `'\\''`)}'`;
  });
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
