"""The bare Flask endpoint the public pages are compared with: `GET /<n>` answers n bytes
of HTML and does nothing else, under the same gunicorn as the app. Not a benchmark itself."""

from flask import Flask, Response

app = Flask(__name__)


@app.route("/<int:size>")
def body(size: int) -> Response:
    return Response("x" * size, mimetype="text/html")


@app.route("/healthz")
def healthz() -> str:
    return "ok"
