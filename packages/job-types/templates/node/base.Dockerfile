# Base image of the `node` job type, built once per job-type version (and runner content).
# Build context (assembled by @racetrack/builder), laid out like the repo: packages/job-runner and
# packages/core (TypeScript, run by type stripping, which Node refuses under node_modules), their
# production dependencies in node_modules/ (with @racetrack/* links), bin/run-node-job = the start script,
# bin/warm-runner = runs the runner once so its compile cache is part of the image.
FROM node:24-bookworm-slim
COPY node_modules /opt/racetrack/node_modules
COPY packages /opt/racetrack/packages
COPY bin /opt/racetrack/bin
RUN chmod a+rx /opt/racetrack/bin/* && node --version
ENV NODE_ENV=production \
    NODE_COMPILE_CACHE=/opt/racetrack/compile-cache
RUN /opt/racetrack/bin/warm-runner && mkdir -p /opt/racetrack/compile-cache && chmod -R a+rwX /opt/racetrack/compile-cache
LABEL racetrack-component="job"
