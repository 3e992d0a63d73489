# Ledgerline image: one image for the web server (gunicorn), the Celery worker and Celery beat.
# Build: docker build -t ledgerline .   Run: see docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # Run from the source in /app (templates and static files are found next to it).
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=ledgerline.settings_production \
    LEDGERLINE_VAR_DIR=/var/lib/ledgerline \
    STATIC_ROOT=/app/staticfiles

WORKDIR /app

RUN groupadd --system --gid 10001 ledgerline \
    && useradd --system --uid 10001 --gid ledgerline --home-dir /app --shell /usr/sbin/nologin ledgerline

# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml ./
RUN mkdir -p ledgerline assetreg maintenance finance/holdings \
    && touch ledgerline/__init__.py assetreg/__init__.py maintenance/__init__.py finance/__init__.py \
       finance/holdings/__init__.py \
    && pip install . \
    && pip uninstall -y ledgerline \
    && rm -rf ledgerline assetreg maintenance finance build *.egg-info

COPY . .
RUN pip install --no-deps . \
    && SECRET_KEY=collectstatic-at-build-time-only-not-a-secret ALLOWED_HOSTS=localhost \
       python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /var/lib/ledgerline/media \
    && chown -R ledgerline:ledgerline /var/lib/ledgerline /app/staticfiles

USER ledgerline
VOLUME ["/var/lib/ledgerline"]
EXPOSE 8000

CMD ["gunicorn", "ledgerline.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-", "--no-control-socket"]
