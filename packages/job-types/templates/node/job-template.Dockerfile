# Job image of the `node` job type, rendered per deployment (Jinja syntax, rendered by nunjucks) and
# built with BuildKit. Build context: the job workspace prepared by the node job type (dependencies
# installed with the build env on the build host, perform.schema.json extracted, job.yaml written), so
# build_env never reaches this image (the `build_secrets` BuildKit secret is there for steps added here).
FROM {{ base_image }}

{% if manifest.system_dependencies and manifest.system_dependencies | length > 0 %}
RUN apt-get update -y \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends {{ manifest.system_dependencies | join(' ') }} \
 && rm -rf /var/lib/apt/lists/*
{% endif %}

COPY . /src/job/
# The job imports @racetrack/job-runner through its node_modules, as in local builds.
RUN rm -f /src/job/.racetrack-job.Dockerfile \
 && if [ ! -e /src/job/node_modules/@racetrack/job-runner ]; then \
      mkdir -p /src/job/node_modules/@racetrack \
      && ln -s /opt/racetrack/node_modules/@racetrack/job-runner /src/job/node_modules/@racetrack/job-runner; \
    fi \
 && chmod -R a+rw /src/job
WORKDIR /src/job

ENV JOB_NAME={{ manifest.name | dump }} \
    JOB_VERSION={{ manifest.version | dump }} \
    GIT_VERSION={{ git_version | dump }} \
    DEPLOYED_BY_RACETRACK_VERSION={{ deployed_by_racetrack_version | dump }} \
    JOB_TYPE_VERSION={{ job_type_version | dump }}
LABEL racetrack-component="job"
STOPSIGNAL SIGTERM
EXPOSE 7000
CMD ["/opt/racetrack/bin/run-node-job", {{ ((manifest.jobtype_extra or {}).entrypoint_path or '') | dump }}]
