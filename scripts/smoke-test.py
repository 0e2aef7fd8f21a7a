#!/usr/bin/env python3
"""Signed smoke test of a deployed Transactions API.

Sends the known payload (events/seed-3tx.json) as a SigV4-signed `POST {ApiUrl}/transactions` and
checks the answer against events/seed-3tx.expected.json (HTTP 200, application/json, every expected
field, totalCredit written exactly as there, processedAt a UTC timestamp). Then, since the route
uses IAM auth, the same request unsigned and signed with a wrong secret must both be refused (403),
and so must a caller without execute-api:Invoke (--not-allowed-key). Any mismatch exits 1, so a
pipeline stage that runs this fails and the next stage never starts.

Where the API URL comes from (first that applies):
  --api-url URL / $SMOKE_API_URL              a base URL, e.g. https://abc.execute-api.eu-west-1.amazonaws.com
  --outputs-file FILE --stack NAME            the JSON `cdk deploy --outputs-file` writes
  --stack NAME                                CloudFormation DescribeStacks (honours $AWS_ENDPOINT_URL)

Credentials and region come from the usual AWS chain (env vars, OIDC-assumed role, profile), so it
runs unchanged against a local endpoint with dummy credentials:
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 \
    scripts/smoke-test.py --api-url http://127.0.0.1:4566/...

Exit codes: 0 pass, 1 the API answered wrongly or not at all, 2 bad usage or configuration.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path

ROUTE = "transactions"
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EVENT = REPO_ROOT / "events" / "seed-3tx.json"
# The function's contract for events/seed-3tx.json: the one file that states the seed's answer.
EXPECTED_FILE = REPO_ROOT / "events" / "seed-3tx.expected.json"
EXPECTED_TEXT = EXPECTED_FILE.read_text()
EXPECTED = json.loads(EXPECTED_TEXT, parse_float=Decimal)
PROCESSED_AT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


class SmokeFailure(Exception):
    """The API answered, or failed to answer, in a way the contract forbids (exit 1)."""


class UsageError(Exception):
    """The test itself is misconfigured (exit 2)."""


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--api-url", default=os.environ.get("SMOKE_API_URL"), help="API base URL")
    p.add_argument("--stack", help="stack whose ApiUrl output to use, e.g. TransactionsApi-dev")
    p.add_argument("--outputs-file", help="cdk --outputs-file JSON to read ApiUrl from")
    p.add_argument("--output-key", default="ApiUrl", help="stack output holding the base URL")
    p.add_argument("--region", help="signing region (default: from the URL, then $AWS_REGION)")
    p.add_argument("--event", default=str(DEFAULT_EVENT), help="request body to send")
    p.add_argument("--timeout", type=float, default=15.0, help="seconds per attempt")
    # A fresh deployment can answer 5xx for a few seconds while the alias settles; retry those
    # (and connection errors) a bounded number of times, never a wrong 2xx/4xx answer.
    p.add_argument("--attempts", type=int, default=4, help="tries on 5xx/connection errors")
    p.add_argument("--retry-delay", type=float, default=3.0, help="seconds between tries")
    p.add_argument("--not-allowed-key", default=os.environ.get("SMOKE_NOT_ALLOWED_KEY"),
                   help="KEY_ID:SECRET of a caller without execute-api:Invoke: must be refused")
    p.add_argument("--no-refusal-checks", action="store_true",
                   help="skip the unsigned / wrong-signature checks (an endpoint without IAM auth)")
    return p.parse_args(argv)


def resolve_api_url(args: argparse.Namespace) -> str:
    if args.api_url:
        return args.api_url
    if not args.stack:
        raise UsageError("give --api-url (or $SMOKE_API_URL), or --stack [--outputs-file]")
    if args.outputs_file:
        try:
            outputs = json.loads(Path(args.outputs_file).read_text())
        except (OSError, ValueError) as exc:
            raise UsageError(f"cannot read {args.outputs_file}: {exc}") from exc
        url = outputs.get(args.stack, {}).get(args.output_key)
        if not url:
            raise UsageError(f"{args.outputs_file} has no {args.stack}.{args.output_key}")
        return url
    import botocore.session  # imported late: only this path talks to CloudFormation

    import botocore.exceptions

    # botocore itself only reads AWS_DEFAULT_REGION; accept AWS_REGION too, as the signer does.
    region = args.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    cfn = botocore.session.get_session().create_client("cloudformation", region_name=region)
    try:
        stacks = cfn.describe_stacks(StackName=args.stack)["Stacks"]
    except botocore.exceptions.BotoCoreError as exc:
        raise UsageError(f"cannot describe stack {args.stack}: {exc}") from exc
    except botocore.exceptions.ClientError as exc:
        raise SmokeFailure(f"cannot describe stack {args.stack}: {exc}") from exc
    for out in stacks[0].get("Outputs", []):
        if out["OutputKey"] == args.output_key:
            return out["OutputValue"]
    raise UsageError(f"stack {args.stack} has no output {args.output_key}")


def transactions_url(base: str) -> str:
    return base.rstrip("/") + "/" + ROUTE


def signing_region(url: str, explicit: str | None) -> str:
    if explicit:
        return explicit
    m = re.match(r"https?://[^/]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com", url)
    if m:
        return m.group(1)
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if not region:
        raise UsageError("cannot tell the signing region: pass --region or set AWS_REGION")
    return region


def unsigned_request(url: str, body: bytes) -> urllib.request.Request:
    return urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )


def signed_request(url: str, body: bytes, region: str, creds=None) -> urllib.request.Request:
    """Build the request and sign it for execute-api with botocore's SigV4 implementation
    (with the usual credential chain, or the given botocore Credentials)."""
    import botocore.session
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    if creds is None:
        found = botocore.session.get_session().get_credentials()
        if found is None:
            raise UsageError("no AWS credentials found (env, profile or assumed role)")
        creds = found.get_frozen_credentials()
    aws_req = AWSRequest(
        method="POST", url=url, data=body, headers={"Content-Type": "application/json"}
    )
    SigV4Auth(creds, "execute-api", region).add_auth(aws_req)
    prepared = aws_req.prepare()
    return urllib.request.Request(
        prepared.url, data=body, headers=dict(prepared.headers.items()), method="POST"
    )


def send(req: urllib.request.Request, timeout: float) -> tuple[int, bytes, str]:
    """(status, body, content-type)"""
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (URL is ours)
            return resp.status, resp.read(), resp.headers.get("Content-Type", "")
    except urllib.error.HTTPError as err:
        return err.code, err.read(), err.headers.get("Content-Type", "")


def call_with_retries(make_request, args: argparse.Namespace):
    """make_request() builds a fresh request per try (a signature embeds a timestamp)."""
    last = "no attempt made"
    for attempt in range(1, max(1, args.attempts) + 1):
        req = make_request()
        try:
            status, payload, ctype = send(req, args.timeout)
        except (urllib.error.URLError, OSError) as exc:
            last = f"connection failed: {exc}"
        else:
            if status < 500:
                return status, payload, ctype
            last = f"HTTP {status}: {payload[:300]!r}"
        print(f"smoke: attempt {attempt}/{args.attempts} failed ({last})", file=sys.stderr)
        if attempt < args.attempts:
            time.sleep(args.retry_delay)
    raise SmokeFailure(last)


def check_answer(status: int, payload: bytes, ctype: str = "application/json") -> dict:
    if status != 200:
        raise SmokeFailure(f"expected HTTP 200, got {status}: {payload[:500]!r}")
    if not ctype.startswith("application/json"):
        raise SmokeFailure(f"content-type {ctype!r}, want application/json")
    try:
        # Decimal keeps 650.5 exact: the contract is an exact decimal sum.
        doc = json.loads(payload, parse_float=Decimal)
    except ValueError as exc:
        raise SmokeFailure(f"answer is not JSON: {exc}: {payload[:300]!r}") from exc
    if not isinstance(doc, dict):
        raise SmokeFailure(f"answer is not a JSON object: {payload[:300]!r}")
    wrong = [
        f"{key}: expected {want!r}, got {doc.get(key)!r}"
        for key, want in EXPECTED.items()
        if doc.get(key) != want
    ]
    if not PROCESSED_AT.match(str(doc.get("processedAt"))):
        wrong.append(f"processedAt: expected a UTC timestamp, got {doc.get('processedAt')!r}")
    # Decimal("650.50") == Decimal("650.5"): the contract also fixes how the total is written.
    total = re.search(r'"totalCredit"\s*:\s*([^,}\s]+)', EXPECTED_TEXT).group(1)
    if not re.search(rb'"totalCredit"\s*:\s*' + re.escape(total.encode()) + rb"\s*[,}]", payload):
        wrong.append(f"totalCredit: not written as {total}")
    if wrong:
        raise SmokeFailure("; ".join(wrong))
    return doc


def check_refused(what: str, make_request, args: argparse.Namespace) -> None:
    """The IAM-authorized route must refuse this request with 403 (5xx is retried as above)."""
    status, payload, _ = call_with_retries(make_request, args)
    if status != 403:
        raise SmokeFailure(f"{what}: expected HTTP 403, got {status}: {payload[:300]!r}")
    print(f"smoke: PASS {what} -> 403")


def refusal_checks(url: str, body: bytes, region: str, args: argparse.Namespace) -> None:
    import botocore.session
    from botocore.credentials import Credentials

    check_refused("unsigned request", lambda: unsigned_request(url, body), args)
    creds = botocore.session.get_session().get_credentials().get_frozen_credentials()
    wrong = Credentials(creds.access_key, "not-the-secret", creds.token)
    check_refused("wrong signature", lambda: signed_request(url, body, region, wrong), args)
    if args.not_allowed_key:
        key, _, secret = args.not_allowed_key.partition(":")
        if not secret:
            raise UsageError("--not-allowed-key wants KEY_ID:SECRET")
        nobody = Credentials(key, secret)
        check_refused(
            "caller without execute-api:Invoke", lambda: signed_request(url, body, region, nobody), args
        )


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    url = "(unresolved)"
    try:
        url = transactions_url(resolve_api_url(args))
        region = signing_region(url, args.region)
        body = Path(args.event).read_bytes()
        status, payload, ctype = call_with_retries(lambda: signed_request(url, body, region), args)
        doc = check_answer(status, payload, ctype)
        print(
            f"smoke: PASS POST {url} -> 200 totalCredit={doc['totalCredit']} "
            f"signature={doc['signature'][:12]}... creditCount={doc['creditCount']}"
        )
        if not args.no_refusal_checks:
            refusal_checks(url, body, region, args)
    except UsageError as exc:
        print(f"smoke: usage error: {exc}", file=sys.stderr)
        return 2
    except SmokeFailure as exc:
        print(f"smoke: FAIL POST {url}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
