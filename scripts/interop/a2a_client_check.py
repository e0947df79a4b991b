#!/usr/bin/env python3
"""Drives a running tau-node's A2A front door with the official A2A Python SDK
(a2a-sdk 1.3.0, installed by scripts/install-deps.sh in its own virtual environment).
Test-only.

Usage: a2a_client_check.py <base-url> <api-key>

Fetches the agent card and verifies its signature with the SDK's verifier, the key taken
from the node's DID document (served by the node's resolver route); sends a task without
and with streaming over A2A 1.0, and once over 0.3 with the SDK's compatibility transport;
reads each task back with GetTask. Prints one JSON object with what it saw.
"""

import asyncio
import base64
import json
import sys
import uuid

import httpx
from jwt.api_jwk import PyJWK

from a2a.client import A2ACardResolver, ClientConfig, ClientFactory
from a2a.types import AgentCard, AgentInterface, GetTaskRequest, Message, Part, Role, SendMessageRequest, TaskState
from a2a.utils.signing import create_signature_verifier

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
IDENTITY = "https://tau-node.dev/kamn/1/a2a/identity"


def base58_decode(text):
    number = 0
    for character in text:
        number = number * 58 + ALPHABET.index(character)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    zeros = len(text) - len(text.lstrip("1"))
    return b"\x00" * zeros + body


def ed25519_jwk(multibase):
    """A Multikey `z6Mk…` (base58btc of 0xed01 || key) as an OKP JWK."""
    raw = base58_decode(multibase[1:])
    if multibase[0] != "z" or raw[:2] != b"\xed\x01" or len(raw) != 34:
        raise ValueError(f"not an Ed25519 Multikey: {multibase}")
    x = base64.urlsafe_b64encode(raw[2:]).rstrip(b"=").decode()
    return PyJWK({"kty": "OKP", "crv": "Ed25519", "x": x}, algorithm="EdDSA")


def text_message(text):
    return Message(message_id=str(uuid.uuid4()), role=Role.ROLE_USER, parts=[Part(text=text)])


def task_id_of(event):
    kind = event.WhichOneof("payload")
    if kind == "task":
        return event.task.id
    if kind == "status_update":
        return event.status_update.task_id
    if kind == "artifact_update":
        return event.artifact_update.task_id
    return None


async def send_and_read(http, card, text, streaming):
    client = ClientFactory(ClientConfig(httpx_client=http, streaming=streaming)).create(card)
    kinds, task_id = [], None
    async for event in client.send_message(SendMessageRequest(message=text_message(text))):
        kinds.append(event.WhichOneof("payload"))
        task_id = task_id or task_id_of(event)
    task = await client.get_task(GetTaskRequest(id=task_id))
    return {
        "events": kinds,
        "task_id": task.id,
        "context_id": task.context_id,
        "state": TaskState.Name(task.status.state),
        "answer": task.artifacts[0].parts[0].text if task.artifacts else None,
    }


async def main(base, key):
    out = {}
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {key}"}, timeout=60) as http:
        raw = (await http.get(base + "/.well-known/agent-card.json")).json()
        did = next(e["params"]["did"] for e in raw["capabilities"]["extensions"] if e["uri"] == IDENTITY)
        resolution = (await http.get(f"{base}/1.0/identifiers/{did}")).json()
        document = resolution.get("didDocument", resolution)
        keys = {}
        for method in document.get("verificationMethod", []):
            if not method.get("publicKeyMultibase", "").startswith("z6Mk"):
                continue  # key agreement (X25519) keys do not sign
            method_id = method["id"] if method["id"].startswith("did:") else did + method["id"]
            keys[method_id] = ed25519_jwk(method["publicKeyMultibase"])
        verifier = create_signature_verifier(lambda kid, jku: keys[kid], ["EdDSA"])
        card = await A2ACardResolver(http, base).get_agent_card(signature_verifier=verifier)
        forged = AgentCard()
        forged.CopyFrom(card)
        forged.name = "forged"
        try:
            verifier(forged)
            forged_verified = True
        except Exception:
            forged_verified = False
        out["card"] = {
            "name": card.name,
            "did": did,
            "verified": True,
            "forged_verified": forged_verified,
            "streaming": card.capabilities.streaming,
            "skills": [skill.id for skill in card.skills],
            "interfaces": [[i.url, i.protocol_binding, i.protocol_version] for i in card.supported_interfaces],
        }

        out["plain"] = await send_and_read(http, card, "Answer plainly.", streaming=False)
        out["stream"] = await send_and_read(http, card, "Answer in a stream.", streaming=True)

        # The same node through the SDK's A2A 0.3 transport (message/send, tasks/get).
        legacy = AgentCard()
        legacy.CopyFrom(card)
        url = card.supported_interfaces[0].url
        del legacy.supported_interfaces[:]
        legacy.supported_interfaces.append(AgentInterface(url=url, protocol_binding="JSONRPC", protocol_version="0.3"))
        out["legacy"] = await send_and_read(http, legacy, "Answer the old way.", streaming=False)

        client = ClientFactory(ClientConfig(httpx_client=http, streaming=False)).create(card)
        try:
            await client.get_task(GetTaskRequest(id="run_000000000000000000000000"))
            out["unknown_task"] = "found"
        except Exception as error:  # the SDK raises its TaskNotFoundError for -32001
            out["unknown_task"] = type(error).__name__
    print(json.dumps(out))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1].rstrip("/"), sys.argv[2]))
