"""Production web server: `uv run gunicorn --config gunicorn.conf.py`.

Every value can be overridden on the command line or in GUNICORN_CMD_ARGS; the README
("Deploying at scale") explains how the web processes sit behind the reverse proxy.
"""

import multiprocessing
import os

wsgi_app = "portal.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Page views are short and mostly wait on the database, so a few sync workers per core
# serve well; WEB_CONCURRENCY pins the number on shared or container hosts.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
timeout = 30
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that slow growth (caches, fragmentation) cannot pile up;
# the jitter keeps them from all restarting at once.
max_requests = 2000
max_requests_jitter = 200

# Only the reverse proxy on this host may set X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-"
errorlog = "-"
