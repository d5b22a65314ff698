# Base image of the `python3` job type, built once per job-type version (and wrapper content).
# Build context: racetrack_job_wrapper/ (standard library only, so it needs no pip install and
# cannot clash with the user's requirements, which live in their own venv /src/job-venv).
FROM python:3.11-slim-bookworm
COPY racetrack_job_wrapper /opt/racetrack/wrapper/racetrack_job_wrapper
RUN python -c "import sys; sys.path.insert(0, '/opt/racetrack/wrapper'); import racetrack_job_wrapper"
ENV PYTHONPATH=/opt/racetrack/wrapper PYTHONUNBUFFERED=1
LABEL racetrack-component="job"
