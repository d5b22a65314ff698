# Job image of the `python3` job type, rendered per deployment (Jinja syntax, rendered by nunjucks).
# Build context: the job's source plus `.racetrack-build-env` (build_env and secret build vars as
# shell assignments, written by the image builder). Only the `deps` and `code` stages ever see that
# file; the final image copies their results, and the builder deletes those stage images after a
# build that had build vars, so the values land neither in the job image's layers nor in its history.
{% set extra = manifest.jobtype_extra or {} %}
{% set requirements = extra.requirements_path or 'requirements.txt' %}
FROM {{ base_image }} AS system
{% if manifest.system_dependencies and manifest.system_dependencies | length > 0 %}
RUN apt-get update -y \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends {{ manifest.system_dependencies | join(' ') }} \
 && rm -rf /var/lib/apt/lists/*
{% endif %}

# The user's requirements go into their own venv, never into the wrapper's (system) Python.
FROM system AS deps
LABEL racetrack-build-stage="deps"
COPY .racetrack-build-env {{ requirements }}* /tmp/racetrack-build/
RUN python -m venv /src/job-venv \
 && set -a && . /tmp/racetrack-build/.racetrack-build-env && set +a \
 && requirements="/tmp/racetrack-build/$(basename {{ requirements | dump }})" \
 && if [ -f "$requirements" ]; then \
      /src/job-venv/bin/pip install --no-cache-dir --disable-pip-version-check -r "$requirements" \
      {% if extra.check_requirements != false %}&& /src/job-venv/bin/pip check{% endif %}; \
    fi \
 && rm -rf /tmp/racetrack-build

FROM system AS code
LABEL racetrack-build-stage="code"
COPY . /src/job/
RUN rm -f /src/job/.racetrack-build-env /src/job/.racetrack-job.Dockerfile && chmod -R a+rw /src/job

FROM system
COPY --from=deps /src/job-venv /src/job-venv
COPY --from=code /src/job /src/job
WORKDIR /src/job
ENV JOB_NAME={{ manifest.name | dump }} \
    JOB_VERSION={{ manifest.version | dump }} \
    GIT_VERSION={{ git_version | dump }} \
    DEPLOYED_BY_RACETRACK_VERSION={{ deployed_by_racetrack_version | dump }} \
    JOB_TYPE_VERSION={{ job_type_version | dump }} \
    VENV_PACKAGES_PATH=/src/job-venv/lib/python3.11/site-packages
LABEL racetrack-component="job"
STOPSIGNAL SIGTERM
EXPOSE 7000
CMD ["python", "-u", "-m", "racetrack_job_wrapper", "run", {{ (extra.entrypoint_path or '') | dump }}{% if extra.entrypoint_class %}, {{ extra.entrypoint_class | dump }}{% endif %}, "--venv-packages", "/src/job-venv/lib/python3.11/site-packages"]
