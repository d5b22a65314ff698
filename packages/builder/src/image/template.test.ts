/** @module Tests of Dockerfile template rendering: the shipped node and python3 templates and Jinja2-style syntax. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isRacetrackError } from '@racetrack/core';
import { renderBuildEnvFile } from './build-env.ts';
import { defaultRecipePaths } from './recipes.ts';
import { renderDockerfileTemplate, type TemplateVariables } from './template.ts';

const { templatesRoot } = defaultRecipePaths();

function variables(manifest: Record<string, unknown>): TemplateVariables {
  return { base_image: 'racetrack/job-base/x:1', env_vars: {}, manifest, git_version: 'abc123', deployed_by_racetrack_version: '0.1.0', job_type_version: 'x:1' };
}

async function render(jobType: string, manifest: Record<string, unknown>): Promise<string> {
  const template = await readFile(path.join(templatesRoot, jobType, 'job-template.Dockerfile'), 'utf8');
  return renderDockerfileTemplate(template, variables(manifest));
}

describe('Dockerfile templates', () => {
  it('renders the node template with the entrypoint, job env and no apt step when there are no system dependencies', async () => {
    const text = await render('node', { name: 'adder', version: '1.2.3', jobtype_extra: { entrypoint_path: 'src/job.ts' } });
    assert.match(text, /^FROM racetrack\/job-base\/x:1$/m);
    assert.match(text, /JOB_NAME="adder"/);
    assert.match(text, /GIT_VERSION="abc123"/);
    assert.match(text, /CMD \["\/opt\/racetrack\/bin\/run-node-job", "src\/job.ts"\]/);
    assert.doesNotMatch(text, /apt-get/);
  });

  it('renders the python3 template with system dependencies, the entrypoint class and pip check unless disabled', async () => {
    const manifest = { name: 'm', version: '0.0.1', system_dependencies: ['libgomp1', 'curl'], jobtype_extra: { entrypoint_path: 'model.py', entrypoint_class: 'Model' } };
    const text = await render('python3', manifest);
    assert.match(text, /apt-get install -y --no-install-recommends libgomp1 curl/);
    assert.match(text, /"run", "model.py", "Model", "--venv-packages"/);
    assert.match(text, /pip check/);
    const unchecked = await render('python3', { ...manifest, jobtype_extra: { entrypoint_path: 'model.py', check_requirements: false } });
    assert.doesNotMatch(unchecked, /pip check/);
  });

  it('accepts templates written for the original (Jinja2 .items(), filters)', async () => {
    const text = await renderDockerfileTemplate('{% for k, v in env_vars.items() %}ENV {{ k }} "{{ v }}"\n{% endfor %}RUN x {{ manifest.deps | join(" ") }}', {
      ...variables({ deps: ['a', 'b'] }),
      env_vars: { A: '1', B: '2' },
    });
    assert.equal(text, 'ENV A "1"\nENV B "2"\nRUN x a b');
  });

  it('reports a template syntax error with the template name', async () => {
    await assert.rejects(renderDockerfileTemplate('{% if %}', variables({})), (error) => isRacetrackError(error) && /job-template.Dockerfile/.test(error.message));
  });
});

describe('build vars file', () => {
  it('single-quotes values so the shell never interprets them', () => {
    assert.equal(renderBuildEnvFile({ TOKEN: "it's $HOME `x`" }), "TOKEN='it'\\''s $HOME `x`'\n");
    assert.equal(renderBuildEnvFile({}), '');
  });

  it('rejects a key that is not an environment variable name, naming the field', () => {
    assert.throws(() => renderBuildEnvFile({ 'BAD-KEY': 'x' }), (error) => isRacetrackError(error) && error.details?.['field'] === 'build_env.BAD-KEY');
  });
});
