"""The ceiling for bench/load.py: a bare Flask "hello" under the same gunicorn settings."""
from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "hello"
