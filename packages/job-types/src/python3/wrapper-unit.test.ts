/** @module Runs the Python wrapper's own unit tests (pytest) as part of `npm test`. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const testsDir = fileURLToPath(new URL('../../../../job-types/python3/tests', import.meta.url));
const python = process.env['RACETRACK_PYTHON'] ?? 'python3';
const tempDirs: string[] = [];

after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** An interpreter that has pytest: the configured one, or a throwaway venv with pytest installed from PyPI. */
function pythonWithPytest(): string {
  if (spawnSync(python, ['-c', 'import pytest'], { stdio: 'ignore' }).status === 0) return python;
  const venv = mkdtempSync(path.join(tmpdir(), 'rt-pytest-'));
  tempDirs.push(venv);
  const created = spawnSync(python, ['-m', 'venv', venv], { encoding: 'utf8' });
  assert.equal(created.status, 0, `python3 -m venv failed: ${created.stderr}`);
  const venvPython = path.join(venv, 'bin', 'python');
  const installed = spawnSync(venvPython, ['-m', 'pip', 'install', '-q', '--disable-pip-version-check', 'pytest==9.0.1'], { encoding: 'utf8' });
  assert.equal(installed.status, 0, `pip install pytest failed: ${installed.stderr}`);
  return venvPython;
}

test('the Python wrapper passes its pytest suite', () => {
  const result = spawnSync(pythonWithPytest(), ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', testsDir], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
  assert.match(result.stdout, /\d+ passed/);
});
