# The portal's image: web (gunicorn), worker and beat run from it (docker-compose.yml).
# Every image is pinned by version; pin by digest too where you build (README, Production).
FROM python:3.12.12-slim-bookworm

# MALLOC_ARENA_MAX: glibc gives each thread of a worker its own malloc arena, and each keeps
# the megabyte buffers that streamed upload parts went through; two arenas keep a worker's
# memory flat however many parts its threads receive (bench/uploads.py, bench/README.md).
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    PORTAL_DATA_DIR=/app/data HOME=/app MALLOC_ARENA_MAX=2

# libmagic: uploads are checked by content. postgresql-client: pg_dump and pg_restore for
# bin/backup and bin/restore (Debian 12's is 15, the server's version).
RUN apt-get update && apt-get install -y --no-install-recommends libmagic1 postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install .
# .dockerignore keeps .env, .git, data, media and backups out of this copy.
COPY . .
# Static files are collected at build time and served by whitenoise.
RUN DEBUG=false SECRET_KEY=build-only ALLOWED_HOSTS=localhost PORTAL_BASE_URL=https://localhost \
    python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --home-dir /app --no-create-home portal \
    && mkdir -p /app/data && chown portal /app/data
# Not root: the code is root's and read-only to the portal, which writes only in /app/data
# (beat's schedule) and /tmp (gunicorn's metrics files, uploads on their way).
USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--no-control-socket"]
