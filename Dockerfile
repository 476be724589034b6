FROM python:3.12-slim

# MALLOC_ARENA_MAX: glibc gives each thread of a worker its own malloc arena, and each keeps
# the megabyte buffers that streamed upload parts went through; two arenas keep a worker's
# memory flat however many parts its threads receive (bench/uploads.py, bench/README.md).
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    PORTAL_DATA_DIR=/app/data HOME=/app MALLOC_ARENA_MAX=2

RUN apt-get update && apt-get install -y --no-install-recommends libmagic1 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install .
COPY . .
# Static files are collected at build time and served by whitenoise.
RUN DEBUG=false SECRET_KEY=build-only ALLOWED_HOSTS=localhost PORTAL_BASE_URL=https://localhost \
    python manage.py collectstatic --noinput \
    && useradd --create-home --home-dir /app portal && mkdir -p /app/data && chown -R portal /app/data
USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--no-control-socket"]
