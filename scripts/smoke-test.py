#!/usr/bin/env python3
"""Signed smoke test of a deployed Transactions API.

Sends the known payload (events/seed-3tx.json) as a SigV4-signed `POST {ApiUrl}/transactions`
(the route uses IAM auth, so an unsigned request must be rejected) and checks the answer against
the values the function must compute for it: HTTP 200, totalCredit 650.5, the SHA-256 signature of
the credit IDs. Any mismatch exits 1, so a pipeline stage that runs this fails and the next stage
never starts.

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

# The function's contract for events/seed-3tx.json (see README): two CREDITs, 150.5 + 500.
EXPECTED = {
    "status": "success",
    "totalCredit": Decimal("650.5"),
    "signature": "15f6e99f77968b2e9d2fadcf37ba573a10d0fa53adbed145af145ab44841c69f",
    "requestId": "req-seed-0001",
    "creditCount": 2,
}
ROUTE = "transactions"
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EVENT = REPO_ROOT / "events" / "seed-3tx.json"


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


def signed_request(url: str, body: bytes, region: str) -> urllib.request.Request:
    """Build the request and sign it for execute-api with botocore's SigV4 implementation."""
    import botocore.session
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    creds = botocore.session.get_session().get_credentials()
    if creds is None:
        raise UsageError("no AWS credentials found (env, profile or assumed role)")
    aws_req = AWSRequest(
        method="POST", url=url, data=body, headers={"Content-Type": "application/json"}
    )
    SigV4Auth(creds.get_frozen_credentials(), "execute-api", region).add_auth(aws_req)
    prepared = aws_req.prepare()
    return urllib.request.Request(
        prepared.url, data=body, headers=dict(prepared.headers.items()), method="POST"
    )


def send(req: urllib.request.Request, timeout: float) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (URL is ours)
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def call_with_retries(url: str, body: bytes, region: str, args: argparse.Namespace):
    last = "no attempt made"
    for attempt in range(1, max(1, args.attempts) + 1):
        # Re-sign each try: the signature embeds a timestamp.
        req = signed_request(url, body, region)
        try:
            status, payload = send(req, args.timeout)
        except (urllib.error.URLError, OSError) as exc:
            last = f"connection failed: {exc}"
        else:
            if status < 500:
                return status, payload
            last = f"HTTP {status}: {payload[:300]!r}"
        print(f"smoke: attempt {attempt}/{args.attempts} failed ({last})", file=sys.stderr)
        if attempt < args.attempts:
            time.sleep(args.retry_delay)
    raise SmokeFailure(last)


def check_answer(status: int, payload: bytes) -> dict:
    if status != 200:
        raise SmokeFailure(f"expected HTTP 200, got {status}: {payload[:500]!r}")
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
    if wrong:
        raise SmokeFailure("; ".join(wrong))
    return doc


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    url = "(unresolved)"
    try:
        url = transactions_url(resolve_api_url(args))
        region = signing_region(url, args.region)
        body = Path(args.event).read_bytes()
        status, payload = call_with_retries(url, body, region, args)
        doc = check_answer(status, payload)
    except UsageError as exc:
        print(f"smoke: usage error: {exc}", file=sys.stderr)
        return 2
    except SmokeFailure as exc:
        print(f"smoke: FAIL POST {url}: {exc}", file=sys.stderr)
        return 1
    print(
        f"smoke: PASS POST {url} -> 200 totalCredit={doc['totalCredit']} "
        f"signature={doc['signature'][:12]}... creditCount={doc['creditCount']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
