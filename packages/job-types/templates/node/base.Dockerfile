# Base image of the `node` job type, built once per job-type version (and runner content).
# Build context (assembled by @racetrack/builder): node_modules/ = @racetrack/job-runner with its
# production dependencies, bin/run-node-job = the start script.
FROM node:24-bookworm-slim
COPY node_modules /opt/racetrack/node_modules
COPY bin /opt/racetrack/bin
RUN chmod a+rx /opt/racetrack/bin/* && node --version
ENV NODE_ENV=production
LABEL racetrack-component="job"
