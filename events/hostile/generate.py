#!/usr/bin/env python3
"""Writes the hostile event corpus (events/hostile/*.json) and its manifest.

Every expectation is derived here, independently of the Rust code: totals with Python's
`decimal`, signatures with `hashlib`, error kinds from the contract (README / issue 1). The big
events (6 MB bodies, 100,000 transactions, 100,000-deep nesting) are *described* in the
manifest (`generate`) and built at test time by lambda/tests/hostile.rs with the same recipe,
so the repository stays small. Re-run after editing: `python3 events/hostile/generate.py`.
"""

import base64
import hashlib
import json
import os
from decimal import Decimal, getcontext

getcontext().prec = 200
HERE = os.path.dirname(os.path.abspath(__file__))
MIB6 = 6 * 1024 * 1024

APIGW_TEMPLATE = {
    "version": "2.0",
    "routeKey": "POST /transactions",
    "rawPath": "/transactions",
    "rawQueryString": "",
    "headers": {"content-type": "application/json", "host": "abc123.execute-api.eu-west-1.amazonaws.com"},
    "requestContext": {
        "accountId": "123456789012",
        "apiId": "abc123",
        "http": {"method": "POST", "path": "/transactions", "protocol": "HTTP/1.1", "sourceIp": "203.0.113.10"},
        "requestId": "JKJaXmPLvHcESHA=",
        "routeKey": "POST /transactions",
        "stage": "$default",
        "timeEpoch": 1795796400000,
    },
    "isBase64Encoded": False,
}

SEED = '{"requestId":"req-seed-0001","transactions":[{"id":"tx-1","amount":150.5,"type":"CREDIT"},{"id":"tx-2","amount":75.25,"type":"DEBIT"},{"id":"tx-3","amount":500,"type":"CREDIT"}]}'

entries = []


def total_text(amounts):
    """The function's rendering of an exact sum: no exponent, no trailing zeros, no -0."""
    total = sum((Decimal(a) for a in amounts), Decimal(0))
    if total == 0:
        return "0"
    text = format(total.normalize(), "f")
    return text


def success(credits, request_id, ids_bytes=None):
    """credits: list of (id, amount-text) for the CREDIT transactions, in input order."""
    digest = hashlib.sha256()
    for cid in ids_bytes if ids_bytes is not None else [c[0].encode() for c in credits]:
        digest.update(cid)
    return {
        "totalCredit": total_text([a for _, a in credits]),
        "signature": digest.hexdigest(),
        "creditCount": len(credits),
        "requestId": request_id,
    }


def add(name, data, expect, kind="direct", why=""):
    if isinstance(data, str):
        data = data.encode()
    path = os.path.join(HERE, name + ".json")
    with open(path, "wb") as f:
        f.write(data)
    entries.append({"name": name, "file": name + ".json", "kind": kind, "why": why, "expect": expect})


def gen(name, recipe, expect, kind="direct", why=""):
    entries.append({"name": name, "generate": recipe, "kind": kind, "why": why, "expect": expect})


def fail(error_type, contains):
    return {"errorType": error_type, "messageContains": contains}


def http_fail(status, code, contains=""):
    return {"statusCode": status, "code": code, "messageContains": contains}


def http_ok(result):
    return dict(result, statusCode=200)


def apigw(body, base64_encoded=False, content_type="application/json", raw_body=None, **overrides):
    event = json.loads(json.dumps(APIGW_TEMPLATE))
    if content_type is None:
        del event["headers"]["content-type"]
    else:
        event["headers"]["content-type"] = content_type
    if base64_encoded:
        event["body"] = base64.b64encode(body if isinstance(body, bytes) else body.encode()).decode()
        event["isBase64Encoded"] = True
    elif body is not None:
        event["body"] = body
    event.update(overrides)
    text = json.dumps(event)
    if raw_body is not None:  # splice raw JSON text in place of the body value
        text = text[:-1] + ', "body": ' + raw_body + "}"
    return text


def tx(i, amount, kind="CREDIT"):
    return '{"id":"%s","amount":%s,"type":"%s"}' % (i, amount, kind)


def batch(*txs, request_id="req-h"):
    return '{"requestId":"%s","transactions":[%s]}' % (request_id, ",".join(txs))


ONE = batch(tx("a", "1.5"))
ONE_OK = success([("a", "1.5")], "req-h")
EMPTY_SIG = hashlib.sha256(b"").hexdigest()

# --- Not JSON, or not a JSON object -------------------------------------------------------------
add("empty", "", fail("InvalidJson", "unexpected end of input"), why="zero bytes")
add("whitespace-only", " \n\t\r ", fail("InvalidJson", "not valid JSON"))
add("top-level-array", "[]", fail("InvalidPayload", "payload: expected a JSON object, found an array"))
add("top-level-string", '"transactions"', fail("InvalidPayload", "expected a JSON object, found a string"))
add("top-level-null", "null", fail("InvalidPayload", "expected a JSON object, found null"))
add("top-level-number", "42", fail("InvalidPayload", "expected a JSON object, found a number"))
add("trailing-garbage", ONE + " x", fail("InvalidJson", "not valid JSON"))
add("two-documents", ONE + ONE, fail("InvalidJson", "not valid JSON"))
add("utf8-bom", b"\xef\xbb\xbf" + ONE.encode(), fail("InvalidJson", "not valid JSON"),
    why="RFC 8259 forbids emitting a BOM; refusing it is allowed")
add("trailing-comma", batch(tx("a", "1")) [:-2] + ",]}", fail("InvalidJson", "not valid JSON"))
add("single-quotes", "{'transactions':[]}", fail("InvalidJson", "not valid JSON"))
add("comment", '{/* c */"transactions":[]}', fail("InvalidJson", "not valid JSON"))
add("unterminated-string", '{"transactions":[{"id":"a', fail("InvalidJson", "not valid JSON"))
add("unclosed-array", '{"transactions":[' + tx("a", "1"), fail("InvalidJson", "not valid JSON"))
gen("deep-array-100000", {"deepArray": 100000}, fail("InvalidJson", "nesting deeper than 1024"),
    why="100,000 nested arrays: refused by the depth limit, no stack overflow")
gen("deep-unknown-field-100000", {"deepUnknownField": 100000}, fail("InvalidJson", "nesting deeper than 1024"),
    why="depth bomb inside an ignored field")
add("deep-unknown-field-1000",
    '{"x":' + "[" * 1000 + "]" * 1000 + ',"requestId":"req-h","transactions":[' + tx("a", "1.5") + "]}",
    ONE_OK, why="deep but within the 1024 limit: skipped, not refused")
add("deep-inside-transaction-1000",
    '{"requestId":"req-h","transactions":[{"id":"a","n":' + '{"k":' * 1000 + "0" + "}" * 1000
    + ',"amount":1.5,"type":"CREDIT"}]}', ONE_OK)

# --- Numbers ------------------------------------------------------------------------------------
add("amount-1e400", batch(tx("a", "1e400")), fail("InvalidAmount", "transactions[0].amount: is out of range"),
    why="valid JSON beyond f64: read from its text like any number, and out of range")
add("amount-minus-1e400", batch(tx("a", "-1e400")), fail("InvalidAmount", "transactions[0].amount: is out of range"))
add("amount-1e-400", batch(tx("a", "1e-400")), fail("InvalidAmount", "more than 18 decimal places"),
    why="a non-zero amount far below 1e-18: never rounded to 0")
add("amount-minus-zero", batch(tx("a", "-0")), success([("a", "0")], "req-h"))
add("amount-minus-zero-fraction", batch(tx("a", "-0.0e5"), tx("b", "2.25")), success([("a", "0"), ("b", "2.25")], "req-h"))
add("amount-zero-big-exponent", batch(tx("a", "0e300")), success([("a", "0")], "req-h"))
add("amount-huge-integer", batch(tx("a", "1" + "0" * 40)), fail("InvalidAmount", "transactions[0].amount: is out of range"),
    why="integers beyond 64 bits are valid JSON: the amount's own range check refuses them")
add("amount-integer-just-over-u64", batch(tx("a", "18446744073709551616")), fail("InvalidAmount", "transactions[0].amount: is out of range"))
add("amount-integer-u64-max", batch(tx("a", "18446744073709551615")), fail("InvalidAmount", "out of range"))
add("amount-huge-integer-400-digits", batch(tx("a", "9" * 400)), fail("InvalidAmount", "transactions[0].amount: is out of range"),
    why="beyond f64 range as a literal, still valid JSON: out of range")
add("unknown-field-numbers-beyond-f64",
    '{"requestId":"req-h","transactions":[{"id":"a","amount":1.5,"type":"CREDIT","meta":{"big":18446744073709551616,"neg":-9223372036854775809,"huge":1e400,"tiny":1e-99999}}]}',
    ONE_OK, why="valid numbers no f64 or u64 can hold, in a field the contract ignores: the batch is fine")
add("amount-1e15", batch(tx("a", "1e15")), fail("InvalidAmount", "out of range"))
add("amount-max", batch(tx("a", "999999999999999.999999999999999999"), tx("b", "-999999999999999.999999999999999999")),
    success([("a", "999999999999999.999999999999999999"), ("b", "-999999999999999.999999999999999999")], "req-h"))
add("amount-max-plus-tiny", batch(tx("a", "999999999999999"), tx("b", "0.000000000000000001")),
    success([("a", "999999999999999"), ("b", "0.000000000000000001")], "req-h"),
    why="15 integer digits + 18 decimals: 33 significant digits kept exactly")
add("amount-19-decimals", batch(tx("a", "0.0000000000000000001")), fail("InvalidAmount", "more than 18 decimal places"))
add("amount-float-trap", batch(tx("a", "0.1"), tx("b", "0.2")), success([("a", "0.1"), ("b", "0.2")], "req-h"),
    why="0.1 + 0.2 is exactly 0.3, not 0.30000000000000004")
add("amount-17-digit-decimal", batch(tx("a", "0.30000000000000001")), success([("a", "0.30000000000000001")], "req-h"),
    why="an f64 would read this as 0.3")
add("amount-exponent-forms", batch(tx("a", "1E2"), tx("b", "1.5e+1"), tx("c", "25e-2")),
    success([("a", "100"), ("b", "15"), ("c", "0.25")], "req-h"))
add("amount-negative-credits", batch(tx("a", "-5.5"), tx("b", "2")), success([("a", "-5.5"), ("b", "2")], "req-h"))
add("amount-nan", batch(tx("a", "NaN")), fail("InvalidJson", "not valid JSON"))
add("amount-infinity", batch(tx("a", "Infinity")), fail("InvalidJson", "not valid JSON"))
add("amount-leading-zero", batch(tx("a", "01.5")), fail("InvalidJson", "not valid JSON"))
add("amount-plus-sign", batch(tx("a", "+1")), fail("InvalidJson", "not valid JSON"))
add("amount-hex", batch(tx("a", "0x10")), fail("InvalidJson", "not valid JSON"))
add("amount-bare-dot", batch(tx("a", "1.")), fail("InvalidJson", "not valid JSON"))
add("amount-string", batch('{"id":"a","amount":"1.5","type":"CREDIT"}'), fail("InvalidPayload", "transactions[0].amount: expected a number, found a string"))
add("amount-bool", batch('{"id":"a","amount":true,"type":"CREDIT"}'), fail("InvalidPayload", "transactions[0].amount: expected a number, found a boolean"))
add("amount-object", batch('{"id":"a","amount":{"value":1},"type":"CREDIT"}'), fail("InvalidPayload", "transactions[0].amount: expected a number, found an object"))
add("amount-array", batch('{"id":"a","amount":[1],"type":"CREDIT"}'), fail("InvalidPayload", "transactions[0].amount: expected a number, found an array"))
add("amount-debit-invalid-still-refused", batch(tx("a", "1"), tx("b", "1e15", "DEBIT")),
    fail("InvalidAmount", "transactions[1].amount"), why="every amount is validated, not only credits")

# --- Keys ---------------------------------------------------------------------------------------
add("duplicate-amount", batch('{"id":"a","amount":1,"amount":2,"type":"CREDIT"}'), fail("InvalidPayload", "transactions[0].amount: duplicate field"))
add("duplicate-amount-escaped-key", batch('{"id":"a","amount":1,"amo\\u0075nt":2,"type":"CREDIT"}'),
    fail("InvalidPayload", "transactions[0].amount: duplicate field"), why="the same key once unescaped")
add("duplicate-id", batch('{"id":"a","id":"b","amount":1,"type":"CREDIT"}'), fail("InvalidPayload", "transactions[0].id: duplicate field"))
add("duplicate-type", batch('{"id":"a","amount":1,"type":"DEBIT","type":"CREDIT"}'), fail("InvalidPayload", "transactions[0].type: duplicate field"))
add("duplicate-transactions", '{"transactions":[' + tx("a", "1") + '],"transactions":[]}', fail("InvalidPayload", "transactions: duplicate field"))
add("duplicate-request-id", '{"requestId":"a","requestId":"b","transactions":[]}', fail("InvalidPayload", "requestId: duplicate field"))
add("escaped-keys", '{"requestId":"req-h","\\u0074ransactions":[{"\\u0069d":"a","amount":1.5,"typ\\u0065":"CREDIT"}]}', ONE_OK)
add("missing-everything", "{}", fail("InvalidPayload", "transactions: missing required field"))
add("missing-id", batch('{"amount":1,"type":"CREDIT"}'), fail("InvalidPayload", "transactions[0].id: missing required field"))
add("missing-type", batch('{"id":"a","amount":1}'), fail("InvalidPayload", "transactions[0].type: missing required field"))
add("unknown-fields-everywhere",
    '{"x":null,"requestId":"req-h","y":[1,{"z":"w"}],"transactions":[{"q":[],"id":"a","r":{},"amount":1.5,"s":-0,"type":"CREDIT","t":"\\u0000"}],"u":1e5}',
    ONE_OK)

# --- Strings and IDs ----------------------------------------------------------------------------
add("id-escaped-nul", batch(tx("tx\\u0000a", "1")), success([("x", "1")], "req-h", ids_bytes=[b"tx\x00a"]),
    why="\\u0000 is a valid JSON escape: the NUL byte is part of the signed ID")
add("id-raw-nul", b'{"transactions":[{"id":"tx\x00a","amount":1,"type":"CREDIT"}]}', fail("InvalidJson", "not valid JSON"),
    why="raw control characters are not allowed in JSON strings")
add("id-raw-control-char", b'{"transactions":[{"id":"tx\x01a","amount":1,"type":"CREDIT"}]}', fail("InvalidJson", "not valid JSON"))
add("id-raw-newline", b'{"transactions":[{"id":"tx\na","amount":1,"type":"CREDIT"}]}', fail("InvalidJson", "not valid JSON"))
add("raw-nul-after-document", ONE.encode() + b"\x00", fail("InvalidJson", "not valid JSON"))
add("raw-nul-between-tokens", b'{"transactions":\x00[]}', fail("InvalidJson", "not valid JSON"))
add("id-invalid-utf8", b'{"transactions":[{"id":"a\xff\xfe","amount":1,"type":"CREDIT"}]}', fail("InvalidJson", "invalid UTF-8"))
add("id-overlong-utf8", b'{"transactions":[{"id":"a\xc0\xaf","amount":1,"type":"CREDIT"}]}', fail("InvalidJson", "invalid UTF-8"))
add("id-utf8-encoded-surrogate", b'{"transactions":[{"id":"a\xed\xa0\x80","amount":1,"type":"CREDIT"}]}', fail("InvalidJson", "invalid UTF-8"))
add("id-truncated-utf8", b'{"transactions":[{"id":"a\xe2\x82","amount":1,"type":"CREDIT"}]}', fail("InvalidJson", "invalid UTF-8"))
add("invalid-utf8-in-unknown-field", b'{"note":"\x80","transactions":[]}', fail("InvalidJson", "invalid UTF-8"))
add("id-lone-high-surrogate", batch(tx("\\ud800", "1")), fail("InvalidJson", "lone surrogate"))
add("id-lone-low-surrogate", batch(tx("\\udc00", "1")), fail("InvalidJson", "lone surrogate"))
add("id-reversed-surrogates", batch(tx("\\udc00\\ud800", "1")), fail("InvalidJson", "lone surrogate"))
add("id-high-surrogate-then-text", batch(tx("\\ud800abc", "1")), fail("InvalidJson", "lone surrogate"))
add("id-bad-escape", batch(tx("\\x41", "1")), fail("InvalidJson", "not valid JSON"))
add("id-surrogate-pair", batch(tx("\\ud83d\\ude00", "1")), success([("x", "1")], "req-h", ids_bytes=["\U0001F600".encode()]))
add("id-non-ascii", batch(tx("caf\u00e9-\u6f22\u5b57", "2.5")), success([("caf\u00e9-\u6f22\u5b57", "2.5")], "req-h"))
add("id-escaped-slash-and-quote", batch(tx('a\\/b\\"c\\\\d', "1")), success([('a/b"c\\d', "1")], "req-h"))
add("id-long-100k", batch(tx("L" * 100_000, "1")), success([("L" * 100_000, "1")], "req-h"))
gen("id-long-5mb", {"longId": 5 * 1024 * 1024}, success([("I" * (5 * 1024 * 1024), "1")], "gen-long-id"),
    why="a 5 MiB ID still signs")
add("id-empty", batch(tx("", "1")), fail("InvalidPayload", "transactions[0].id: must not be empty"))
add("id-number", batch('{"id":7,"amount":1,"type":"CREDIT"}'), fail("InvalidPayload", "transactions[0].id: expected a string, found a number"))
add("id-null", batch('{"id":null,"amount":1,"type":"CREDIT"}'), fail("InvalidPayload", "transactions[0].id: expected a string, found null"))
add("type-lowercase", batch(tx("a", "1", "credit")), success([], "req-h"), why="CREDIT is case-sensitive")
add("type-trailing-space", batch(tx("a", "1", "CREDIT ")), success([], "req-h"))
add("type-escaped-credit", batch(tx("a", "1.5", "\\u0043REDIT")), ONE_OK, why="\\u0043 is C")
add("type-number", batch('{"id":"a","amount":1,"type":1}'), fail("InvalidPayload", "transactions[0].type: expected a string, found a number"))
add("request-id-hostile-chars", batch(tx("a", "1.5"), request_id='q\\"\\\\\\n\\u0001\\u2028</script>'),
    success([("a", "1.5")], 'q"\\\n\x01\u2028</script>'), why="echoed back correctly escaped")
add("request-id-null", '{"requestId":null,"transactions":[' + tx("a", "1.5") + "]}", success([("a", "1.5")], None))
add("request-id-number", '{"requestId":12,"transactions":[]}', fail("InvalidPayload", "requestId: expected a string, found a number"))
add("request-id-object", '{"requestId":{"a":1},"transactions":[]}', fail("InvalidPayload", "requestId: expected a string, found an object"))

# --- Shapes -------------------------------------------------------------------------------------
add("transactions-empty", batch(), success([], "req-h"))
add("transactions-object", '{"transactions":{"0":' + tx("a", "1") + "}}", fail("InvalidPayload", "transactions: expected an array, found an object"))
add("transactions-null", '{"transactions":null}', fail("InvalidPayload", "transactions: expected an array, found null"))
add("transactions-string", '{"transactions":"[]"}', fail("InvalidPayload", "transactions: expected an array, found a string"))
add("transaction-null-element", batch(tx("a", "1"), "null"), fail("InvalidPayload", "transactions[1]: expected an object, found null"))
add("transaction-array-element", batch("[]"), fail("InvalidPayload", "transactions[0]: expected an object, found an array"))
add("transaction-empty-object", batch("{}"), fail("InvalidPayload", "transactions[0].id: missing required field"))
add("transactions-nested-arrays", '{"transactions":[[' + tx("a", "1") + "]]}", fail("InvalidPayload", "transactions[0]: expected an object"))
gen("tiny-100000", {"tiny": 100_000}, success([("t%d" % i, "0.01") for i in range(0, 100_000, 2)], "gen-100k"),
    why="100,000 transactions, every other one a CREDIT of 0.01")
gen("direct-exactly-6mib", {"padded": MIB6}, ONE_OK, why="the limit itself is accepted")
gen("direct-6mib-plus-1", {"padded": MIB6 + 1}, fail("PayloadTooLarge", "exceeds the 6291456-byte limit"))
gen("direct-12mib-plus-1", {"padded": 12 * 1024 * 1024 + 1}, fail("PayloadTooLarge", "exceeds the 6291456-byte limit"),
    why="beyond the hard event cap: the runtime keeps only the first 12 MiB + 1 byte")
gen("response-too-large", {"longRequestId": MIB6 - 100}, {"errorType": "Function.ResponseSizeTooLarge", "messageContains": "exceeded"},
    why="a 6 MiB requestId echoed back makes the answer larger than Lambda accepts: the Runtime API refuses "
        "it (413), the caller gets Lambda's error, and the process keeps serving")

# --- API Gateway --------------------------------------------------------------------------------
SEED_OK = success([("tx-1", "150.5"), ("tx-3", "500")], "req-seed-0001")
add("apigw-text-plain", apigw(SEED, content_type="text/plain"), http_fail(415, "UNSUPPORTED_MEDIA_TYPE", "text/plain"), "apigw")
add("apigw-form-urlencoded", apigw(SEED, content_type="application/x-www-form-urlencoded"), http_fail(415, "UNSUPPORTED_MEDIA_TYPE"), "apigw")
add("apigw-multipart", apigw(SEED, content_type="multipart/form-data; boundary=x"), http_fail(415, "UNSUPPORTED_MEDIA_TYPE"), "apigw")
add("apigw-content-type-empty", apigw(SEED, content_type=""), http_fail(415, "UNSUPPORTED_MEDIA_TYPE"), "apigw")
add("apigw-content-type-jsonp", apigw(SEED, content_type="application/jsonp"), http_fail(415, "UNSUPPORTED_MEDIA_TYPE"), "apigw",
    why="a prefix of application/json is not JSON")
add("apigw-content-type-json-charset", apigw(SEED, content_type="application/json; charset=utf-8"), http_ok(SEED_OK), "apigw")
add("apigw-content-type-uppercase", apigw(SEED, content_type="APPLICATION/JSON"), http_ok(SEED_OK), "apigw")
add("apigw-content-type-vnd-json", apigw(SEED, content_type="application/vnd.api+json"), http_ok(SEED_OK), "apigw")
add("apigw-no-content-type", apigw(SEED, content_type=None), http_ok(SEED_OK), "apigw")
add("apigw-base64-garbage", apigw(bytes(range(256)) * 4, base64_encoded=True), http_fail(400, "INVALID_JSON"), "apigw",
    why="base64 that decodes to binary garbage")
add("apigw-base64-invalid-utf8-json", apigw(b'{"transactions":[{"id":"\xff","amount":1,"type":"CREDIT"}]}', base64_encoded=True),
    http_fail(400, "INVALID_JSON", "invalid UTF-8"), "apigw")
add("apigw-base64-bad-alphabet", apigw(None, raw_body='"!!!!****"', isBase64Encoded=True), http_fail(400, "INVALID_BODY", "not valid base64"), "apigw")
add("apigw-base64-unpadded", apigw(None, raw_body='"' + base64.b64encode(SEED.encode()).decode().rstrip("=") + 'x"', isBase64Encoded=True),
    http_fail(400, "INVALID_BODY", "not valid base64"), "apigw")
add("apigw-base64-with-newlines", apigw(None, raw_body=json.dumps(base64.encodebytes(SEED.encode()).decode()), isBase64Encoded=True),
    http_fail(400, "INVALID_BODY", "not valid base64"), "apigw", why="MIME-style line breaks are not API Gateway's base64")
add("apigw-base64-of-plain-text", apigw("not json at all", base64_encoded=True), http_fail(400, "INVALID_JSON"), "apigw")
add("apigw-body-missing", apigw(None), http_fail(400, "INVALID_PAYLOAD", "body: missing"), "apigw")
add("apigw-body-null", apigw(None, raw_body="null"), http_fail(400, "INVALID_PAYLOAD", "body: missing"), "apigw")
add("apigw-body-object", apigw(None, raw_body=SEED), http_fail(400, "INVALID_PAYLOAD", "body: expected a string, found an object"), "apigw")
add("apigw-body-empty", apigw(""), http_fail(400, "INVALID_JSON", "unexpected end of input"), "apigw")
add("apigw-is-base64-string", apigw(SEED, isBase64Encoded="true"), http_fail(400, "INVALID_PAYLOAD", "isBase64Encoded: expected a boolean"), "apigw")
add("apigw-headers-array", apigw(SEED, headers=["content-type", "application/json"]), http_fail(400, "INVALID_PAYLOAD", "headers: expected an object"), "apigw")
add("apigw-body-invalid-amount", apigw(batch(tx("a", "0.0000000000000000001"))), http_fail(400, "INVALID_AMOUNT", "transactions[0].amount"), "apigw")
add("apigw-body-1e400", apigw(batch(tx("a", "1e400"))), http_fail(400, "INVALID_AMOUNT", "transactions[0].amount: is out of range"), "apigw")
add("apigw-body-lone-surrogate", apigw(batch(tx("\\ud800", "1"))),
    http_fail(400, "INVALID_JSON", "lone surrogate"), "apigw", why="the body text carries a \\ud800 escape")
add("apigw-envelope-lone-surrogate", apigw(SEED, rawPath="/\ud800"), fail("InvalidJson", "lone surrogate"), "apigw",
    why="an envelope that is not JSON cannot be answered over HTTP: a function error, as for any direct event")
add("apigw-body-escaped-nul-id", apigw(batch(tx("tx\\u0000a", "1"))), http_ok(success([("x", "1")], "req-h", ids_bytes=[b"tx\x00a"])), "apigw")
add("apigw-body-top-level-array", apigw("[1,2]"), http_fail(400, "INVALID_PAYLOAD", "expected a JSON object"), "apigw")
add("apigw-body-duplicate-amount", apigw(batch('{"id":"a","amount":1,"amount":2,"type":"CREDIT"}')), http_fail(400, "INVALID_PAYLOAD", "duplicate field"), "apigw")
add("apigw-duplicate-body", apigw(SEED)[:-1] + ', "body": ' + json.dumps(batch(tx("evil", "1000000"))) + "}",
    http_fail(400, "INVALID_PAYLOAD", "body: duplicate field"), "apigw",
    why="two bodies: whichever one were summed, the answer would be a guess")
add("apigw-duplicate-is-base64", apigw(SEED)[:-1] + ', "isBase64Encoded": true}',
    http_fail(400, "INVALID_PAYLOAD", "isBase64Encoded: duplicate field"), "apigw")
add("apigw-duplicate-content-type", apigw(SEED, headers={"Content-Type": "text/plain", "content-type": "application/json"}),
    http_fail(400, "INVALID_PAYLOAD", "headers.content-type: duplicate field"), "apigw")
add("apigw-rest-v1", json.dumps({"resource": "/transactions", "path": "/transactions", "httpMethod": "POST",
                                  "headers": {"Content-Type": "application/json"}, "body": SEED, "isBase64Encoded": False}),
    http_ok(SEED_OK), "apigw", why="REST API (payload 1.0) with a capitalised header name")
gen("apigw-tiny-100000", {"tiny": 100_000, "apigw": "plain"}, http_ok(success([("t%d" % i, "0.01") for i in range(0, 100_000, 2)], "gen-100k")), "apigw")
gen("apigw-body-exactly-6mib", {"padded": MIB6, "apigw": "plain"}, http_ok(ONE_OK), "apigw")
gen("apigw-body-6mib-plus-1", {"padded": MIB6 + 1, "apigw": "plain"}, http_fail(413, "PAYLOAD_TOO_LARGE", "body"), "apigw")
gen("apigw-base64-exactly-6mib", {"padded": MIB6, "apigw": "base64"}, http_ok(ONE_OK), "apigw")
gen("apigw-base64-6mib-plus-1", {"padded": MIB6 + 1, "apigw": "base64"}, http_fail(413, "PAYLOAD_TOO_LARGE", "body"), "apigw")

manifest = {
    "about": "Hostile events and what the function must answer. Run by lambda/tests/hostile.rs against "
             "Processor::handle and against the real bootstrap. Regenerate with events/hostile/generate.py.",
    "recipes": {
        "padded": "{\"requestId\":\"req-h\",\"pad\":\"xxx…\",\"transactions\":[{\"id\":\"a\",\"amount\":1.5,\"type\":\"CREDIT\"}]} "
                  "with the pad sized so the batch is exactly N bytes",
        "tiny": "{\"requestId\":\"gen-100k\",\"transactions\":[{\"id\":\"t0\",\"amount\":0.01,\"type\":\"CREDIT\"},"
                "{\"id\":\"t1\",\"amount\":0.01,\"type\":\"DEBIT\"},…] with N transactions, even indexes CREDIT",
        "longId": "{\"requestId\":\"gen-long-id\",\"transactions\":[{\"id\":\"III…\" (N bytes),\"amount\":1,\"type\":\"CREDIT\"}]}",
        "longRequestId": "{\"requestId\":\"RRR…\" (N bytes),\"transactions\":[]}",
        "deepArray": "N times '[' then N times ']'",
        "deepUnknownField": "{\"x\": N nested arrays, \"transactions\":[]}",
        "apigw": "wrap the batch as the body of an HTTP API event: plain, or base64 with isBase64Encoded",
    },
    "events": entries,
}
with open(os.path.join(HERE, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=1, ensure_ascii=True)
    f.write("\n")
print(f"{len(entries)} events ({sum('file' in e for e in entries)} files, {sum('generate' in e for e in entries)} generated)")
