"""Exit 0 when the PostgreSQL server of a URL answers (used by `make test`)."""

import sys
from urllib.parse import urlsplit

import psycopg

url = sys.argv[1]
parts = urlsplit(url)
try:
    psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
        connect_timeout=3,
    ).close()
except psycopg.Error:
    sys.exit(1)
