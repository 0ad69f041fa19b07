# yunshao: the CLI and the scoring API in one image.
#   docker build -t yunshao .
#   docker run --rm -p 8000:8000 -v "$PWD/demo/out:/data" yunshao serve --host 0.0.0.0 --store /data/yunshao.duckdb
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY yunshao ./yunshao
COPY experiments ./experiments
RUN pip install '.[ml,serve]'

RUN useradd --create-home yunshao
USER yunshao
WORKDIR /home/yunshao
EXPOSE 8000
ENTRYPOINT ["yunshao"]
CMD ["--help"]
