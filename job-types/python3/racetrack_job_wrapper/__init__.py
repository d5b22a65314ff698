"""@module racetrack_job_wrapper: serves a Python class with `perform` as a Racetrack job web service.

Standard library only, so a job's requirements.txt can never break or shadow the wrapper.
"""

__version__ = '1.0.0'
