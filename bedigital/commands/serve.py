"""`bedigital serve`: the read-only API, the export files and the agenda page, over the published snapshot."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from bedigital.commands.run import DEFAULT_OUT
from pipelines.settings import ENV_WAREHOUSE

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from bedigital.api.app import CORS_ENV, OUT_ENV, PUBLIC_URL_ENV, cors_origins_from_env, create_app

    from bedigital.embed.security import EMBED_ORIGINS_ENV, origins_from_env

    try:
        origins_from_env()  # checked here, once, rather than as a traceback from inside the app (or each worker)
    except ValueError as exc:
        print(f"Cannot start: {exc}. Correct {EMBED_ORIGINS_ENV} (comma-separated origins) or unset it.",
              file=sys.stderr)
        return 2
    from bedigital.monitoring.tokens import SecretsError, check_secrets_file

    try:
        check_secrets_file()  # a broken file would refuse every partner's ping, one request at a time
    except SecretsError as exc:
        print(f"Cannot start: {exc}. Correct the file or unset the variable.", file=sys.stderr)
        return 2
    out = Path(args.out)
    if args.warehouse:
        # The partner reports, /staff and /insight read the warehouse that Settings.from_env names, in this
        # process and in uvicorn's workers alike; without this they showed data/warehouse.duckdb's partners.
        os.environ[ENV_WAREHOUSE] = str(Path(args.warehouse).resolve())
    if not (out / "current").is_file():
        print(f"Nothing published under {out}/ yet: the API will answer 503 until `make demo` or "
              f"`bedigital run --out {out}` publishes an agenda.", file=sys.stderr)
    origins = args.cors_origin or cors_origins_from_env()
    if args.workers > 1:
        # Worker processes build their own application from the environment (uvicorn needs an import string).
        os.environ.update({OUT_ENV: str(out.resolve()), CORS_ENV: ",".join(origins), PUBLIC_URL_ENV: args.public_url})
        app: Any = "bedigital.api.app:app_from_env"
    else:
        app = create_app(out, cors_origins=origins, public_url=args.public_url)
    print(f"Serving the agenda of {out}/ on http://{args.host}:{args.port}/ "
          f"(API under /v1, OpenAPI at /openapi.json, exports at /v1/exports; {args.workers} worker(s))", flush=True)
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, access_log=False,
                    workers=args.workers if args.workers > 1 else None, factory=args.workers > 1)
    except OSError as exc:
        print(f"Cannot listen on {args.host}:{args.port}: {exc.strerror or exc}. Free the port or pass --port N.",
              file=sys.stderr)
        return 2
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser("serve", help="serve the API, the exports and the agenda page from the publication")
    serve.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    serve.add_argument("--out", default=str(DEFAULT_OUT), help="the publication folder (default data/public)")
    serve.add_argument("--warehouse", default=None,
                       help="the DuckDB warehouse the partner reports, /staff and /insight read "
                            "(default: $BEDIGITAL_WAREHOUSE or data/warehouse.duckdb)")
    serve.add_argument("--cors-origin", action="append", default=None, metavar="ORIGIN",
                       help="an origin allowed to call the API from a browser (repeatable; "
                            "default: $BEDIGITAL_CORS_ORIGINS, comma-separated)")
    serve.add_argument("--public-url", default="https://bedigital.brussels",
                       help="the site's public address, for the ids of JSON-LD nodes")
    serve.add_argument("--workers", type=int, default=1,
                       help="worker processes (default 1; 2 on a 2-core machine uses both cores)")
    serve.add_argument("--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"])
    serve.set_defaults(func=cmd_serve)
