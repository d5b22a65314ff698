# Job image of the `python3` job type, rendered per deployment (Jinja syntax, rendered by nunjucks) and
# built with BuildKit. Build context: the job's source. build_env and secret build vars come only as the
# BuildKit secret `build_secrets` (a file of KEY='value' lines) mounted into the pip step: they never land
# in a layer, the image history or the build cache.
{% set extra = manifest.jobtype_extra or {} %}
{% set requirements = extra.requirements_path or 'requirements.txt' %}
FROM {{ base_image }} AS system
{% if manifest.system_dependencies and manifest.system_dependencies | length > 0 %}
RUN apt-get update -y \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends {{ manifest.system_dependencies | join(' ') }} \
 && rm -rf /var/lib/apt/lists/*
{% endif %}

# Only the requirements file (empty when the job has none) goes on, so the venv below is rebuilt only when it changes.
FROM system AS requirements
RUN --mount=type=bind,target=/tmp/job \
    mkdir -p /tmp/racetrack \
 && if [ -f /tmp/job/{{ requirements | dump }} ]; then cp /tmp/job/{{ requirements | dump }} /tmp/racetrack/requirements.txt; \
    else touch /tmp/racetrack/requirements.txt; fi

# The user's requirements go into their own venv, never into the wrapper's (system) Python.
FROM system AS deps
COPY --from=requirements /tmp/racetrack/requirements.txt /tmp/racetrack/requirements.txt
RUN --mount=type=secret,id=build_secrets,required=false \
    python -m venv /src/job-venv \
 && if [ -f /run/secrets/build_secrets ]; then set -a && . /run/secrets/build_secrets && set +a; fi \
 && if [ -s /tmp/racetrack/requirements.txt ]; then \
      /src/job-venv/bin/pip install --no-cache-dir --disable-pip-version-check -r /tmp/racetrack/requirements.txt \
      {% if extra.check_requirements != false %}&& /src/job-venv/bin/pip check{% endif %}; \
    fi

FROM system
COPY --from=deps /src/job-venv /src/job-venv
COPY . /src/job/
RUN rm -f /src/job/.racetrack-job.Dockerfile && chmod -R a+rw /src/job
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
