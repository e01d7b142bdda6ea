# Fremdrift in a container, for those who run containers (not built in CI: this machine has
# no container registry). Give it the production variables of the README and a PostgreSQL
# DATABASE_URL; run the scheduled jobs from the same image: `docker run ... python manage.py run_jobs`.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DEBUG=false GUNICORN_BIND=0.0.0.0:8000
# pg_dump and pg_restore for `manage.py backup` and `manage.py restore`.
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --home /app fremdrift
WORKDIR /app
COPY pyproject.toml requirements.lock ./
COPY fremdrift ./fremdrift
COPY manage.py ./
# The exchange format's description and example package, served on the import page.
COPY docs/exchange-format.md ./docs/exchange-format.md
COPY docs/exchange-example ./docs/exchange-example
COPY deploy ./deploy
RUN pip install --no-cache-dir -c requirements.lock . && mkdir -p var && chown fremdrift var
USER fremdrift
EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && python manage.py collectstatic --noinput && exec gunicorn --config deploy/gunicorn.conf.py"]
