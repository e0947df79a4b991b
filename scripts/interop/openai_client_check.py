"""Calls a tau-node gateway with the official `openai` Python client (test-only interop check).

Usage: python3 openai_client_check.py BASE_URL API_KEY MODEL
Prints one JSON object with what the client parsed; exits non-zero on any mismatch.
"""
import json
import sys

import openai
import pydantic

base_url, api_key, model = sys.argv[1], sys.argv[2], sys.argv[3]
client = openai.OpenAI(base_url=base_url + "/v1", api_key=api_key, max_retries=0, timeout=30)
tools = [{
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}]
messages = [{"role": "user", "content": "What is the weather in Paris?"}]
result = {}

# Non-streaming completion with a tool call.
response = client.chat.completions.create(model=model, messages=messages, tools=tools)
choice = response.choices[0]
assert response.object == "chat.completion", response
assert choice.finish_reason == "tool_calls", choice
call = choice.message.tool_calls[0]
assert call.type == "function" and call.function.name == "get_weather", call
assert json.loads(call.function.arguments) == {"city": "Paris"}, call.function.arguments
assert response.usage.prompt_tokens > 0 and response.usage.completion_tokens > 0, response.usage
result["plain"] = {
    "finish_reason": choice.finish_reason, "tool": call.function.name, "arguments": json.loads(call.function.arguments),
    "call_id": call.id, "prompt_tokens": response.usage.prompt_tokens, "completion_tokens": response.usage.completion_tokens,
}

# Streaming completion with a tool call and a usage chunk; the client assembles the deltas.
stream = client.chat.completions.create(
    model=model, messages=messages, tools=tools, stream=True, stream_options={"include_usage": True})
calls, finish, usage, chunks, roles = {}, None, None, 0, []
for chunk in stream:
    chunks += 1
    assert chunk.object == "chat.completion.chunk", chunk
    if chunk.usage is not None:
        usage = chunk.usage
    for delta_choice in chunk.choices:
        delta = delta_choice.delta
        if delta.role:
            roles.append(delta.role)
        for tool_delta in delta.tool_calls or []:
            entry = calls.setdefault(tool_delta.index, {"id": None, "name": "", "arguments": ""})
            if tool_delta.id:
                entry["id"] = tool_delta.id
            if tool_delta.function and tool_delta.function.name:
                entry["name"] += tool_delta.function.name
            if tool_delta.function and tool_delta.function.arguments:
                entry["arguments"] += tool_delta.function.arguments
        if delta_choice.finish_reason:
            finish = delta_choice.finish_reason
assert roles == ["assistant"], roles
assert finish == "tool_calls", finish
assert calls[0]["name"] == "get_weather" and json.loads(calls[0]["arguments"]) == {"city": "Paris"}, calls
assert usage is not None and usage.total_tokens == usage.prompt_tokens + usage.completion_tokens, usage
result["stream"] = {
    "finish_reason": finish, "tool": calls[0]["name"], "arguments": json.loads(calls[0]["arguments"]),
    "call_id": calls[0]["id"], "chunks": chunks, "prompt_tokens": usage.prompt_tokens, "completion_tokens": usage.completion_tokens,
}

# Structured outputs: the client sends a strict JSON Schema built from a pydantic model
# and parses the answer into it.
class CityWeather(pydantic.BaseModel):
    city: str
    temperature_c: float

parse = getattr(client.chat.completions, "parse", None) or client.beta.chat.completions.parse
parsed = parse(model=model, messages=messages, response_format=CityWeather)
weather = parsed.choices[0].message.parsed
assert isinstance(weather, CityWeather), parsed
result["structured"] = {"city": weather.city, "temperature_c": weather.temperature_c}

# Errors come back as the client's exception classes.
try:
    openai.OpenAI(base_url=base_url + "/v1", api_key="tau_000000000000_" + "0" * 48, max_retries=0).chat.completions.create(
        model=model, messages=messages)
    raise AssertionError("a wrong key was accepted")
except openai.AuthenticationError as error:
    result["wrong_key"] = {"status": error.status_code, "code": error.code}
try:
    client.chat.completions.create(model="no-such-model", messages=messages)
    raise AssertionError("an unknown model was accepted")
except openai.NotFoundError as error:
    result["unknown_model"] = {"status": error.status_code, "code": error.code}

models = client.models.list()
result["models"] = sorted(m.id for m in models.data)
print(json.dumps(result))
