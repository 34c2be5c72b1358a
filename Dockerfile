# IKO server image: gunicorn (gthread) as a non-root user, static files served by whitenoise.
# The same image runs the one-off commands (python manage.py migrate, setup_configuration) and the demo
# sources (python manage.py demo_sources): docker-compose.yml, deploy/helm/iko/.
# /tmp must be writable (an emptyDir under a read-only root filesystem): the workers' metrics
# files live in PROMETHEUS_MULTIPROC_DIR there.
FROM python:3.11-slim AS build
WORKDIR /app
COPY pyproject.toml README.md ./
COPY requirements/constraints.txt requirements/constraints.txt
COPY iko_project iko_project
COPY connectors connectors
COPY profiles profiles
COPY api api
COPY demo demo
COPY templates templates
COPY manage.py ./
RUN python -m venv /venv \
 && /venv/bin/pip install --no-cache-dir -c requirements/constraints.txt .

FROM python:3.11-slim
ENV PATH=/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=iko_project.settings.base \
    IKO_ENV=production \
    IKO_VAR_DIR=/var/lib/iko \
    IKO_STATIC_ROOT=/app/static \
    PROMETHEUS_MULTIPROC_DIR=/tmp/iko-metrics
RUN useradd --system --uid 10001 --home /app iko && mkdir -p /var/lib/iko && chown iko /var/lib/iko
WORKDIR /app
COPY --from=build /venv /venv
COPY --from=build /app /app
# collectstatic needs settings but no real secrets.
RUN IKO_SECRET_KEY=build IKO_PSEUDONYM_KEY=build IKO_SECRETS_KEY=YnVpbGQtb25seS1ub3QtYS1zZWNyZXQtMDEyMzQ1Njc= python manage.py collectstatic --noinput --verbosity 0
USER iko
EXPOSE 8000
# Liveness only: readiness (/_healthz/readyz) is for the orchestrator, which knows the database.
HEALTHCHECK --interval=30s --timeout=5s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/_healthz/livez', timeout=3)"]
CMD ["gunicorn", "--config", "python:iko_project.gunicorn_conf", "iko_project.wsgi"]
