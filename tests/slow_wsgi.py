"""A WSGI app for the gunicorn shutdown tests: `/slow?seconds=N` answers after N seconds, every
other path at once. No Django: these tests are about gunicorn's sockets, not about IKO's views."""

import time
from urllib.parse import parse_qs


def app(environ, start_response):
    if environ["PATH_INFO"] == "/slow":
        time.sleep(float(parse_qs(environ.get("QUERY_STRING", "")).get("seconds", ["1"])[0]))
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]
