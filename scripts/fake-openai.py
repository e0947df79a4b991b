#!/usr/bin/env python3
"""A fake OpenAI-compatible model for scripts (python3 standard library only).

Answers every POST .../chat/completions with one short final assistant text and no tool
calls, in OpenAI's wire format: a `chat.completion` object with `usage`, or, when the request
has `"stream": true`, `chat.completion.chunk` events (role, content, finish, a usage chunk
when `stream_options.include_usage` is set) ending with `data: [DONE]`. GET .../models lists
one model. Anything else is 404 in OpenAI's error shape.

    scripts/fake-openai.py [--port 0] [--answer TEXT] [--delay SECONDS] [--port-file FILE]

--delay holds every chat completion that long before answering (a slow model, so that
work is in flight when a script kills a node).

Prints `listening on http://127.0.0.1:PORT` on stdout once bound (and writes the port to
--port-file). Serves each request on its own thread until SIGTERM / SIGINT. A count of the
requests served is printed on exit.
"""
import argparse
import http.server
import json
import os
import signal
import sys
import threading
import time

served = 0
served_lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the node's HTTP client expects
    answer = "Done."
    delay = 0.0

    def log_message(self, *_):  # quiet: one line per request would swamp the scripts' output
        pass

    def _send(self, status, body, content_type="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body, separators=(",", ":")).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status, message, kind="invalid_request_error"):
        self._send(status, {"error": {"message": message, "type": kind, "param": None, "code": None}})

    def do_GET(self):
        if self.path.rstrip("/").endswith("/models"):
            self._send(200, {"object": "list", "data": [
                {"id": "gpt-4.1-mini", "object": "model", "created": 1700000000, "owned_by": "fake"}]})
        else:
            self._error(404, f"no route {self.path}")

    def do_POST(self):
        global served
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not self.path.rstrip("/").endswith("/chat/completions"):
            return self._error(404, f"no route {self.path}")
        try:
            request = json.loads(raw or b"{}")
        except ValueError:
            return self._error(400, "body is not JSON")
        with served_lock:
            served += 1
            number = served
        if self.delay > 0:
            time.sleep(self.delay)
        model = request.get("model") or "gpt-4.1-mini"
        prompt_tokens = max(1, len(json.dumps(request.get("messages", []))) // 4)
        completion_tokens = max(1, len(self.answer) // 4)
        usage = {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                 "total_tokens": prompt_tokens + completion_tokens}
        ident, created = f"chatcmpl-fake{number}", int(time.time())
        if not request.get("stream"):
            return self._send(200, {
                "id": ident, "object": "chat.completion", "created": created, "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": self.answer, "refusal": None},
                             "logprobs": None, "finish_reason": "stop"}],
                "usage": usage, "system_fingerprint": "fp_fake"})
        def chunk(delta, finish=None, with_choice=True, extra=None):
            body = {"id": ident, "object": "chat.completion.chunk", "created": created, "model": model,
                    "system_fingerprint": "fp_fake",
                    "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}] if with_choice else []}
            if extra:
                body.update(extra)
            return b"data: " + json.dumps(body, separators=(",", ":")).encode() + b"\n\n"
        events = [chunk({"role": "assistant", "content": ""}), chunk({"content": self.answer}), chunk({}, "stop")]
        if (request.get("stream_options") or {}).get("include_usage"):
            events.append(chunk({}, with_choice=False, extra={"usage": usage}))
        events.append(b"data: [DONE]\n\n")
        self._send(200, b"".join(events), "text/event-stream")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--answer", default="Done.")
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--port-file")
    args = parser.parse_args()
    Handler.answer, Handler.delay = args.answer, args.delay
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.request_queue_size = 512

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    port = server.server_address[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(f"{port}\n")
        os.replace(args.port_file + ".tmp", args.port_file)
    print(f"listening on http://127.0.0.1:{port}", flush=True)
    server.serve_forever(poll_interval=0.2)
    print(f"fake-openai: served {served} chat completions", file=sys.stderr)


if __name__ == "__main__":
    main()
