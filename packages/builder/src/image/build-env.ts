/** @module Build vars (build_env + secret build vars) as the shell file a BuildKit secret mount shows to build steps. */
import { RacetrackError } from '@racetrack/core';

/** Secret id (`RUN --mount=type=secret,id=build_secrets`), the original's, so Dockerfiles written for it keep working. */
export const buildSecretsId = 'build_secrets';

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
