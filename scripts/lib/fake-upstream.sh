# Shared by scripts/bench-gateway.sh and scripts/soak-gateway.sh: an nginx on 127.0.0.1 that
# answers `POST /v1/chat/completions` like OpenAI (a 16-event stream, or one plain completion),
# and the config of a tau-node that routes `gpt-4.1-mini` to it. Source it; it defines functions only.

# A free TCP port on 127.0.0.1.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# The stream: role chunk, 12 content chunks, finish chunk, usage chunk, [DONE]. nginx caps one
# config parameter at 4 KiB, so the stream stays short; quotes are escaped for nginx.
fake_stream_body() {
    python3 - <<'PY'
import json
def chunk(delta, finish=None, usage=None, choices=True):
    body = {"id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 1700000000, "model": "gpt-4.1-mini",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}] if choices else []}
    if usage: body["usage"] = usage
    return "data: " + json.dumps(body, separators=(",", ":")) + "\\n\\n"
out = chunk({"role": "assistant", "content": ""})
for i in range(12):
    out += chunk({"content": f"word{i} "})
out += chunk({}, finish="stop")
out += chunk({}, usage={"prompt_tokens": 12, "completion_tokens": 12, "total_tokens": 24}, choices=False)
out += "data: [DONE]\\n\\n"
print(out.replace("'", "\\'"), end="")
PY
}

# One plain completion with the same words and usage.
fake_plain_body() {
    python3 - <<'PY'
import json
body = {"id": "chatcmpl-bench", "object": "chat.completion", "created": 1700000000, "model": "gpt-4.1-mini",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": " ".join(f"word{i}" for i in range(12))}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 12, "completion_tokens": 12, "total_tokens": 24}}
print(json.dumps(body, separators=(",", ":")).replace("'", "\\'"), end="")
PY
}

# start_fake_upstream <work dir> <worker connections> <stream port> [plain port]
# Starts nginx (pid in <work dir>/nginx.pid): the stream on one port, the plain answer on the other.
start_fake_upstream() {
    local work="$1" connections="$2" stream_port="$3" plain_port="${4:-}"
    local plain_server=""
    if [[ -n "$plain_port" ]]; then
        plain_server="server {
        listen 127.0.0.1:$plain_port;
        location = /v1/chat/completions {
            default_type application/json;
            return 200 '$(fake_plain_body)';
        }
    }"
    fi
    cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections $connections; }
http {
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path $work/body;
    proxy_temp_path $work/proxy;
    fastcgi_temp_path $work/fastcgi;
    uwsgi_temp_path $work/uwsgi;
    scgi_temp_path $work/scgi;
    server {
        listen 127.0.0.1:$stream_port;
        location = /v1/chat/completions {
            default_type text/event-stream;
            return 200 '$(fake_stream_body)';
        }
    }
    $plain_server
}
CONF
    nginx -c "$work/nginx.conf" -p "$work"
}

# write_gateway_config <home> <node port> <upstream port>
# A node without keys or limits (`localhost-dev`) whose OpenAI provider is the fake upstream.
write_gateway_config() {
    mkdir -p "$1"
    cat > "$1/config.toml" <<CONF
[server]
host = "127.0.0.1"
port = $2

[gateway]
auth = "localhost-dev"

[providers.openai]
base_url = "http://127.0.0.1:$3/v1"
api_key = "bench"
CONF
}
