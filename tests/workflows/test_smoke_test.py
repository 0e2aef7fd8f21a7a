"""Offline tests of scripts/smoke-test.py against a local stand-in for API Gateway.

The stand-in (127.0.0.1 only) does what an IAM-authorised HTTP API route does first: it recomputes
the SigV4 signature of the request with the caller's secret and rejects a missing or wrong one with
403. Only then does it answer with the body a test configures, so each test decides whether the
"deployment" is right or wrong and the smoke script must tell which.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import unittest
from pathlib import Path

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "smoke-test.py"
SEED = (REPO / "events" / "seed-3tx.json").read_bytes()
ACCESS_KEY, SECRET_KEY, REGION = "AKIDSMOKETEST", "smoke-secret-key", "eu-west-1"
# A signed-up caller without execute-api:Invoke: valid signature, still refused.
NOBODY_KEY, NOBODY_SECRET = "AKIDNOBODY", "nobody-secret-key"
SECRETS = {ACCESS_KEY: SECRET_KEY, NOBODY_KEY: NOBODY_SECRET}
EXPECTED = json.loads((REPO / "events" / "seed-3tx.expected.json").read_text())
GOOD_ANSWER = {**EXPECTED, "processedAt": "2026-01-01T00:00:00Z"}
AUTH_RE = re.compile(
    r"AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/"
    r"(?P<service>[^/]+)/aws4_request, SignedHeaders=(?P<signed>[^,]+), Signature=(?P<sig>[0-9a-f]{64})"
)


def expected_signature(method: str, url: str, headers, body: bytes, signed: list[str], key: str) -> str:
    """Recompute the SigV4 signature over exactly the headers the client says it signed."""
    req = AWSRequest(method=method, url=url, data=body, headers={h: headers[h] for h in signed})
    req.context["timestamp"] = headers["X-Amz-Date"]
    auth = SigV4Auth(Credentials(key, SECRETS[key]), "execute-api", REGION)
    return auth.signature(auth.string_to_sign(req, auth.canonical_request(req)), req)


class FakeApi(http.server.ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.answer_status = 200
        self.answer_body = json.dumps(GOOD_ANSWER).encode()
        self.requests: list[dict] = []  # what reached the route (after auth)
        self.rejected = 0
        self.enforce_auth = True  # False: a broken deployment that lets anyone in
        self.invoke_allowed = {ACCESS_KEY}  # keys whose IAM policy allows execute-api:Invoke

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/dev"


class Handler(http.server.BaseHTTPRequestHandler):
    server: FakeApi

    def log_message(self, *_):  # keep test output clean
        pass

    def _reply(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        m = AUTH_RE.fullmatch(self.headers.get("Authorization", ""))
        url = f"http://{self.headers['Host']}{self.path}"
        ok = (
            m is not None
            and m["key"] in SECRETS
            and m["key"] in self.server.invoke_allowed
            and m["region"] == REGION
            and m["service"] == "execute-api"
            and "host" in m["signed"].split(";")
            and m["sig"] == expected_signature(
                "POST", url, self.headers, body, m["signed"].split(";"), m["key"]
            )
        )
        if not ok and self.server.enforce_auth:
            self.server.rejected += 1
            self._reply(403, b'{"message":"Forbidden"}')
            return
        self.server.requests.append({"path": self.path, "body": body, "headers": dict(self.headers)})
        self._reply(self.server.answer_status, self.server.answer_body)


def run_smoke(*args: str, secret: str = SECRET_KEY, extra_env=None) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ["PATH"],
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": secret,
        "AWS_REGION": REGION,
        # Keep the developer's own AWS config and the metadata service out of the test.
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        **(extra_env or {}),
    }
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--attempts", "2", "--retry-delay", "0", *args],
        env=env, capture_output=True, text=True, timeout=60,
    )


class SmokeTestScript(unittest.TestCase):
    def setUp(self):
        self.api = FakeApi()
        self.thread = threading.Thread(target=self.api.serve_forever, daemon=True)
        self.thread.start()

    def tearDown(self):
        self.api.shutdown()
        self.api.server_close()
        self.thread.join(timeout=5)

    def test_passes_against_a_correct_deployment(self):
        res = run_smoke("--api-url", self.api.base_url + "/")
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertIn("smoke: PASS", res.stdout)
        self.assertEqual(len(self.api.requests), 1)
        sent = self.api.requests[0]
        self.assertEqual(sent["path"], "/dev/transactions")
        self.assertEqual(sent["body"], SEED)
        self.assertEqual(sent["headers"]["Content-Type"], "application/json")
        # Then the refusals: unsigned, and signed with a wrong secret.
        self.assertEqual(self.api.rejected, 2)
        self.assertIn("PASS unsigned request -> 403", res.stdout)
        self.assertIn("PASS wrong signature -> 403", res.stdout)

    def test_caller_without_invoke_permission_is_refused(self):
        res = run_smoke("--api-url", self.api.base_url, "--not-allowed-key", f"{NOBODY_KEY}:{NOBODY_SECRET}")
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertIn("PASS caller without execute-api:Invoke -> 403", res.stdout)
        self.assertEqual(self.api.rejected, 3)

    def test_caller_without_invoke_permission_let_in_fails(self):
        self.api.invoke_allowed = {ACCESS_KEY, NOBODY_KEY}
        res = run_smoke("--api-url", self.api.base_url, "--not-allowed-key", f"{NOBODY_KEY}:{NOBODY_SECRET}")
        self.assertEqual(res.returncode, 1)
        self.assertIn("caller without execute-api:Invoke: expected HTTP 403, got 200", res.stderr)

    def test_api_without_iam_auth_fails(self):
        self.api.enforce_auth = False
        res = run_smoke("--api-url", self.api.base_url)
        self.assertEqual(res.returncode, 1)
        self.assertIn("unsigned request: expected HTTP 403, got 200", res.stderr)
        # Explicitly told the endpoint has no IAM auth (an external emulator): only the answer counts.
        res = run_smoke("--api-url", self.api.base_url, "--no-refusal-checks")
        self.assertEqual(res.returncode, 0, res.stderr)

    def test_total_written_differently_fails(self):
        total = json.dumps(EXPECTED["totalCredit"])
        body = json.dumps(GOOD_ANSWER).replace(f'"totalCredit": {total}', f'"totalCredit": {total}0')
        self.assertIn(f"{total}0", body)
        self.api.answer_body = body.encode()
        res = run_smoke("--api-url", self.api.base_url)
        self.assertEqual(res.returncode, 1)
        self.assertIn(f"totalCredit: not written as {total}", res.stderr)

    def test_processed_at_must_be_a_timestamp(self):
        self.api.answer_body = json.dumps(dict(GOOD_ANSWER, processedAt="yesterday")).encode()
        res = run_smoke("--api-url", self.api.base_url)
        self.assertEqual(res.returncode, 1)
        self.assertIn("processedAt", res.stderr)

    def test_wrong_signature_in_answer_fails(self):
        bad = dict(GOOD_ANSWER, signature="0" * 64)
        self.api.answer_body = json.dumps(bad).encode()
        res = run_smoke("--api-url", self.api.base_url)
        self.assertEqual(res.returncode, 1)
        self.assertIn("signature: expected", res.stderr)

    def test_wrong_total_fails_even_if_close(self):
        self.api.answer_body = json.dumps(dict(GOOD_ANSWER, totalCredit=EXPECTED["totalCredit"] + 1e-8)).encode()
        res = run_smoke("--api-url", self.api.base_url)
        self.assertEqual(res.returncode, 1)
        self.assertIn("totalCredit", res.stderr)

    def test_request_signed_with_wrong_secret_is_rejected_and_fails(self):
        res = run_smoke("--api-url", self.api.base_url, secret="not-the-secret")
        self.assertEqual(res.returncode, 1)
        self.assertIn("expected HTTP 200, got 403", res.stderr)
        self.assertEqual(self.api.rejected, 1)
        self.assertEqual(self.api.requests, [])

    def test_error_status_fails(self):
        self.api.answer_status = 400
        self.api.answer_body = b'{"status":"error","error":{"code":"InvalidPayload","message":"x"}}'
        res = run_smoke("--api-url", self.api.base_url)
        self.assertEqual(res.returncode, 1)
        self.assertIn("got 400", res.stderr)

    def test_server_errors_are_retried_then_fail(self):
        self.api.answer_status = 503
        res = run_smoke("--api-url", self.api.base_url)
        self.assertEqual(res.returncode, 1)
        self.assertEqual(len(self.api.requests), 2)  # --attempts 2

    def test_reads_api_url_from_cdk_outputs_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            outputs = Path(tmp) / "outputs.json"
            outputs.write_text(json.dumps({"TransactionsApi-dev": {"ApiUrl": self.api.base_url}}))
            res = run_smoke("--outputs-file", str(outputs), "--stack", "TransactionsApi-dev")
            self.assertEqual(res.returncode, 0, res.stderr)
            missing = run_smoke("--outputs-file", str(outputs), "--stack", "TransactionsApi-prod")
            self.assertEqual(missing.returncode, 2)

    def test_reads_api_url_from_cloudformation_via_aws_endpoint_url(self):
        """--stack without an outputs file: DescribeStacks on the endpoint in AWS_ENDPOINT_URL
        (here moto's CloudFormation on loopback), then the signed call to the URL it returns."""
        import boto3
        from moto.server import ThreadedMotoServer

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
        moto.start()
        try:
            endpoint = f"http://127.0.0.1:{port}"
            cfn = boto3.client(
                "cloudformation", region_name=REGION, endpoint_url=endpoint,
                aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
            )
            template = {
                "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
                "Outputs": {"ApiUrl": {"Value": self.api.base_url}},
            }
            cfn.create_stack(StackName="TransactionsApi-dev", TemplateBody=json.dumps(template))
            res = run_smoke("--stack", "TransactionsApi-dev", extra_env={"AWS_ENDPOINT_URL": endpoint})
            self.assertEqual(res.returncode, 0, res.stderr)
            self.assertEqual(self.api.requests[0]["path"], "/dev/transactions")
            missing = run_smoke("--stack", "TransactionsApi-prod", extra_env={"AWS_ENDPOINT_URL": endpoint})
            self.assertEqual(missing.returncode, 1, missing.stderr)
            self.assertIn("cannot describe stack TransactionsApi-prod", missing.stderr)
        finally:
            moto.stop()

    def test_unreachable_endpoint_fails(self):
        with socket.socket() as probe:  # a port nothing listens on once closed
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        res = run_smoke("--api-url", f"http://127.0.0.1:{port}/dev")
        self.assertEqual(res.returncode, 1)
        self.assertIn("connection failed", res.stderr)


if __name__ == "__main__":
    unittest.main()
