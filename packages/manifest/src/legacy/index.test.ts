/** @module Tests of legacy field mapping, through validateManifest as users meet it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateManifest } from '../validate/index.ts';

const base = { name: 'supersmart', owner_email: 'nobody@example.com', git: { remote: 'https://github.com/racetrack/supersmart-model' } };

describe('legacy manifest fields', () => {
  it('maps lang to jobtype and python to jobtype_extra with warnings', () => {
    const { manifest, warnings } = validateManifest({ ...base, lang: 'python3:latest', python: { entrypoint_path: 'fatman_entrypoint.py' } });
    assert.equal(manifest.jobtype, 'python3:latest');
    assert.deepEqual(manifest.jobtype_extra, { entrypoint_path: 'fatman_entrypoint.py' });
    assert.equal('lang' in manifest, false);
    assert.equal('python' in manifest, false);
    assert.deepEqual(warnings, ['field "lang" is deprecated: rename it to "jobtype"', 'field "python" is deprecated: rename it to "jobtype_extra"']);
  });

  it('maps golang and wrapper_properties, first one wins', () => {
    const { manifest, warnings } = validateManifest({ ...base, jobtype: 'golang:latest', golang: { gomod: 'x' }, wrapper_properties: { a: 1 } });
    assert.deepEqual(manifest.jobtype_extra, { gomod: 'x' });
    assert.equal(warnings.length, 2);
    assert.match(warnings[1] ?? '', /"wrapper_properties" is ignored/);
  });

  it('maps docker.dockerfile_path into jobtype_extra', () => {
    const { manifest, warnings } = validateManifest({ ...base, jobtype: 'docker-proxy:latest', docker: { dockerfile_path: 'Dockerfile' } });
    assert.deepEqual(manifest.jobtype_extra, { dockerfile_path: 'Dockerfile' });
    assert.match(warnings[0] ?? '', /docker\.dockerfile_path" is deprecated/);
  });

  it('rejects conflicting old and new fields', () => {
    assert.throws(
      () => validateManifest({ ...base, jobtype: 'python3:latest', lang: 'python3:latest', python: {}, jobtype_extra: {}, docker: { image: 'x' } }),
      (error: Error) => {
        assert.match(error.message, /lang: is the deprecated name of jobtype/);
        assert.match(error.message, /python: is the deprecated name of jobtype_extra and cannot be combined/);
        assert.match(error.message, /docker\.image: unknown field/);
        return true;
      },
    );
  });
});
