"""Schemathesis hook: SigV4-sign every request for execute-api, as the stage's IAM auth requires.

Loaded with SCHEMATHESIS_HOOKS=sigv4_hooks (this directory on PYTHONPATH) by
scripts/deploy-local/schemathesis.sh. Credentials and region come from the usual botocore chain
(AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, AWS_REGION).

The signature must cover the bytes actually sent, so it is computed by a `requests` auth object,
which sees the final prepared request (URL, headers, serialized body) just before it goes out.
Schemathesis must still know the operation is authenticated, so that its auth checks
(`ignored_auth`, `missing_required_header`) can remove or spoil the credentials: an auth provider
puts a placeholder in `Authorization`, and only a request that still carries the placeholder is
signed. A request whose `Authorization` schemathesis removed or replaced goes out as it is, and
the API must refuse it.
"""

from __future__ import annotations

import os

import botocore.session
import requests
import schemathesis
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest

SERVICE = "execute-api"
# Sent headers the signature covers besides host and x-amz-date: the ones API Gateway reads.
SIGNED = ("content-type",)
PLACEHOLDER = "SIGV4-SIGNED-ON-SEND"


class SigV4(requests.auth.AuthBase):
    def __init__(self) -> None:
        session = botocore.session.get_session()
        credentials = session.get_credentials()
        if credentials is None:
            raise RuntimeError("no AWS credentials for signing")
        region = os.environ.get("AWS_REGION") or session.get_config_variable("region")
        if not region:
            raise RuntimeError("no AWS region for signing")
        self.signer = SigV4Auth(credentials.get_frozen_credentials(), SERVICE, region)

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        if r.headers.get("Authorization") != PLACEHOLDER:
            return r  # an auth probe: sent as schemathesis made it
        del r.headers["Authorization"]
        body = r.body or b""
        if isinstance(body, str):
            body = body.encode()
        headers = {k: v for k, v in r.headers.items() if k.lower() in SIGNED}
        signed = AWSRequest(method=r.method, url=r.url, data=body, headers=headers)
        self.signer.add_auth(signed)
        for name in ("Authorization", "X-Amz-Date", "X-Amz-Security-Token"):
            if name in signed.headers:
                r.headers[name] = signed.headers[name]
        return r


AUTH = SigV4()


@schemathesis.auth()
class Placeholder:
    """Marks a request as authenticated; SigV4 replaces the mark with the signature on send."""

    def get(self, case, context):
        return PLACEHOLDER

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = data


@schemathesis.hook
def before_call(context, case, kwargs):
    kwargs["auth"] = AUTH
