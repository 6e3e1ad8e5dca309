# The course as a container image: the app from uv.lock (the versions CI tested), run by a
# user without privileges, with a health check. README "Deploying" tells how to run it.
#
#     podman build -t course .          (or docker build; --build-arg BASE=... for another base)
#
# Settings from the environment:
#   COURSE_DATABASE_URL  the database. Default: SQLite in /data (mount a volume there, e.g.
#                        -v course-data:/data). PostgreSQL for more than one replica, e.g.
#                        postgresql+psycopg://course:PASS@127.0.0.1:5432/course
#   COURSE_ROOT          the content (default /app: the lessons built in). Mount your own
#                        content folder (lessons/, quizzes/, bibliography.yaml) and point here.
#   COURSE_TRUSTED_PROXIES  the balancer's address, when there is one
#   STREAMLIT_SERVER_PORT   the port (default 8501)
ARG BASE=python:3.11-slim-bookworm
FROM ${BASE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_SYSTEM_CERTS=1

# uv, pinned as in the Makefile, in a venv of its own.
RUN python3 -m venv /opt/uv && /opt/uv/bin/pip install --no-cache-dir --quiet uv==0.13.9

WORKDIR /app
# The dependencies first (a layer that changes only with uv.lock), then the app.
COPY pyproject.toml uv.lock README.md ./
RUN /opt/uv/bin/uv sync --locked --no-dev --no-install-project --no-cache --python python3
COPY .streamlit .streamlit
COPY course course
COPY lessons lessons
COPY quizzes quizzes
COPY schema schema
COPY bibliography.yaml streamlit_app.py LICENSE ./
RUN /opt/uv/bin/uv sync --locked --no-dev --no-editable --no-cache --python python3 \
    && /opt/venv/bin/python -m course validate --strict

RUN useradd --system --uid 10001 --user-group --home-dir /home/course --create-home course \
    && mkdir -p /data && chown course:course /data
USER course

ENV PATH=/opt/venv/bin:$PATH \
    COURSE_ROOT=/app \
    COURSE_DATABASE_URL=sqlite:////data/course.db \
    STREAMLIT_SERVER_ADDRESS=0.0.0.0 \
    STREAMLIT_SERVER_PORT=8501 \
    MALLOC_MMAP_THRESHOLD_=1048576
EXPOSE 8501

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python3", "-c", "import os, urllib.request as u; port = os.environ.get('STREAMLIT_SERVER_PORT', '8501'); assert u.urlopen(f'http://127.0.0.1:{port}/_stcore/health', timeout=4).read() == b'ok'"]

CMD ["streamlit", "run", "streamlit_app.py"]
