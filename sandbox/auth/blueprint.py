"""Signing in and out, registration, passwords and sessions."""
from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")
