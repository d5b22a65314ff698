/** @module The build log of one deployment: each line to the caller and to `<dataDir>/build-logs/<id>.log`, secrets masked. */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A line sink that also keeps the log on disk. */
export interface BuildLogSink {
  (line: string): void;
  readonly file: string;
  /** `text` with the secrets masked, for anything else that leaves the build (error messages). */
  mask(text: string): string;
}

/** Values shorter than this are not masked: they would blank out ordinary words and digits. */
const minimumMaskedLength = 3;

/** Opens (truncates) the log file of `deploymentId` and returns a sink masking every value in `secrets`. */
export function openBuildLog(dataDir: string, deploymentId: string, secrets: string[], onLog: (line: string) => void): BuildLogSink {
  const dir = path.join(dataDir, 'build-logs');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${safeFileName(deploymentId)}.log`);
  writeFileSync(file, '');
  // Longest first, so a secret containing another is masked whole.
  const masked = [...new Set(secrets)].filter((s) => s.length >= minimumMaskedLength).sort((a, b) => b.length - a.length);
  const mask = (text: string): string => masked.reduce((result, secret) => result.replaceAll(secret, '***'), text);
  const sink = (line: string): void => {
    const text = mask(line);
    // Synchronous on purpose: lines stay in order and the file is complete when the build returns.
    appendFileSync(file, `${text}\n`);
    onLog(text);
  };
  return Object.assign(sink, { file, mask });
}

function safeFileName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_');
}
