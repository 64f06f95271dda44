"""`python -m services.finance`: run the service with settings from the environment."""

from __future__ import annotations

from eventlog.serve import serve
from services.finance.main import SERVICE, create_app

if __name__ == "__main__":
    serve(SERVICE, create_app)
