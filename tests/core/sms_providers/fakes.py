"""The providers' HTTP APIs as their documentation describes them, served on 127.0.0.1 at a free port, for the real
clients to talk to: each request is recorded, and each answer is the documented success unless a test queued another
(an error, a refusal). Nothing leaves the loopback.

OVHcloud: https://eu.api.ovh.com/console/ (/auth/time, POST /sms/{serviceName}/jobs and its `sms.SmsSendingReport`;
the SMS account's inbox: GET /sms/{serviceName}/incoming, a list of ids, GET and DELETE /incoming/{id}, an
`sms.Incoming`; errors as `{"errorCode", "httpCode", "message"}` or `{"class", "message"}`).
Twilio: https://www.twilio.com/docs/messaging/api/message-resource (POST /2010-04-01/Accounts/{Sid}/Messages.json,
form-encoded, basic auth; errors as `{"code", "message", "more_info", "status"}`).
"""

import base64
import hashlib
import hmac
import itertools
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {key: values[0] for key, values in parse_qs(self.body.decode()).items()}


class _Handler(BaseHTTPRequestHandler):
    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        received = Received(self.command, self.path, dict(self.headers.items()), self.rfile.read(length))
        self.server.received.append(received)
        status, body = self.server.answer(received)
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html" if isinstance(body, bytes) else "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass  # a test's output is its assertions


class FakeApi(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[Received] = []
        self.queued: list[tuple[int, dict | bytes | None]] = []  # answers to the next sends, in order
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> "FakeApi":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def queue(self, status: int, body: dict | bytes) -> None:
        self.queued.append((status, body))

    def sends(self) -> list[Received]:
        return [request for request in self.received if self.is_send(request)]

    def answer(self, request: Received) -> tuple[int, dict | bytes]:
        raise NotImplementedError

    def is_send(self, request: Received) -> bool:
        raise NotImplementedError


class FakeOvh(FakeApi):
    SERVICE = "sms-ab12345-1"
    INCOMING = f"/1.0/sms/{SERVICE}/incoming"

    def __init__(self):
        super().__init__()
        self.ids = itertools.count(265420001)
        self.incoming: dict[int, dict] = {}  # the SMS account's inbox, by id
        self.queued_for: dict[tuple[str, str], list[tuple[int, dict | bytes]]] = {}  # answers to one method and path

    def is_send(self, request: Received) -> bool:
        return request.method == "POST" and request.path == f"/1.0/sms/{self.SERVICE}/jobs"

    def receive(self, message_id: int, sender: str, message: str, when: str = "2025-01-14T09:31:07+01:00") -> None:
        """An SMS someone sent to the account, as `sms.Incoming` shows it."""
        self.incoming[message_id] = {"id": message_id, "sender": sender, "message": message,
                                     "creationDatetime": when, "credits": 1, "tag": ""}  # fmt: skip

    def queue_for(self, method: str, path: str, status: int, body: dict | bytes) -> None:
        self.queued_for.setdefault((method, path), []).append((status, body))

    def calls(self) -> list[tuple[str, str]]:
        """What was asked of the API, the clock aside."""
        return [(request.method, request.path) for request in self.received if request.path != "/1.0/auth/time"]

    def answer(self, request: Received) -> tuple[int, dict | bytes]:
        if request.method == "GET" and request.path == "/1.0/auth/time":
            return 200, int(time.time())  # the client signs with the API's clock, read first
        if queued := self.queued_for.get((request.method, request.path)):
            return queued.pop(0)
        if request.path == self.INCOMING and request.method == "GET":
            return 200, sorted(self.incoming)
        if request.path.startswith(f"{self.INCOMING}/") and request.method in ("GET", "DELETE"):
            message_id = int(request.path.rsplit("/", 1)[1])
            if message_id not in self.incoming:
                return 404, {
                    "class": "Client::NotFound",
                    "message": f"The requested object (id = {message_id}) does not exist",
                }
            if request.method == "DELETE":
                del self.incoming[message_id]
                return 200, None
            return 200, self.incoming[message_id]
        if self.is_send(request):
            if self.queued:
                return self.queued.pop(0)
            return 200, {
                "totalCreditsRemoved": 1,
                "invalidReceivers": [],
                "validReceivers": request.json()["receivers"],
                "ids": [next(self.ids)],
                "tag": "",
            }
        return 404, {"class": "Client::NotFound", "message": f"Got an invalid (or empty) URL: {request.path}"}


def ovh_signature(*, secret: str, consumer_key: str, request: Received, url: str) -> str:
    """OVHcloud's request signature: "$1$" and the SHA-1 of the secret, consumer key, method, full URL, body and
    timestamp joined by "+" (https://help.ovhcloud.com, "First steps with the OVHcloud APIs")."""
    parts = [secret, consumer_key, request.method, url, request.body.decode(), request.headers["X-Ovh-Timestamp"]]
    return "$1$" + hashlib.sha1("+".join(parts).encode()).hexdigest()


class FakeTwilio(FakeApi):
    def __init__(self, account_sid: str):
        super().__init__()
        self.account_sid = account_sid
        self.sids = (f"SM{n:032x}" for n in itertools.count(0xE54))

    def is_send(self, request: Received) -> bool:
        return request.method == "POST" and request.path == f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"

    def answer(self, request: Received) -> tuple[int, dict | bytes]:
        if not self.is_send(request):
            return 404, {"code": 20404, "message": "The requested resource was not found", "status": 404}
        if self.queued:
            return self.queued.pop(0)
        form, sid = request.form(), next(self.sids)
        return 201, {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": form["Body"],
            "date_created": "Thu, 24 Aug 2023 05:01:45 +0000",
            "date_sent": None,
            "date_updated": "Thu, 24 Aug 2023 05:01:45 +0000",
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "num_media": "0",
            "num_segments": "1",
            "price": None,
            "price_unit": None,
            "sid": sid,
            "status": "queued",
            "subresource_uris": {"media": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}/Media.json"},
            "to": form["To"],
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
        }


def twilio_error(status: int, code: int, message: str) -> tuple[int, dict]:
    return status, {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
                    "status": status}  # fmt: skip


def twilio_signature(auth_token: str, url: str, params: dict[str, str]) -> str:
    """Twilio's webhook signature, as its security documentation describes it: the full URL, then each POST
    parameter's name and value in name order, signed with HMAC-SHA1 by the auth token, in base64."""
    signed = url + "".join(name + params[name] for name in sorted(params))
    return base64.b64encode(hmac.new(auth_token.encode(), signed.encode(), hashlib.sha1).digest()).decode()
