"""Test doubles that speak real HTTP: a fake Slack Web API and signed requests to the app."""

from tests.fakes.slack_api import Call, Conversation, FakeSlack, SlackError, UploadedFile
from tests.fakes.slack_requests import AppResponse, SlackSender, sign

__all__ = [
    "AppResponse",
    "Call",
    "Conversation",
    "FakeSlack",
    "SlackError",
    "SlackSender",
    "UploadedFile",
    "sign",
]
