/** @module Where the repository and its entry points are, for subprocesses. */
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
