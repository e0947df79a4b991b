"""Signed-message interop with the DIDComm reference library (`didcomm` on PyPI), tests only.

Runs with the interpreter of the virtual environment scripts/install-deps.sh makes for it
(didcomm 0.3.2 pins pydantic 1, which must not replace the pydantic 2 of the machine's Python).

Usage:
  didcomm_check.py unpack MESSAGE_FILE [DID_DOCUMENT_FILE ...]
      Unpacks a signed message with didcomm.unpack. did:key senders are resolved from the
      DID itself; any other sender needs its DID document (W3C JSON) in a file. Prints
      {"sign_from", "sign_alg", "non_repudiation", "message"}; on refusal prints
      {"refused": exception type, "code": the library's code name, e.g.
      INVALID_SIGNATURE, "detail"} and exits 1.
  didcomm_check.py pack-signed SEED_HEX TO_DID TYPE BODY_JSON [LIFETIME_SECONDS]
      Signs a message with didcomm.pack_signed as the did:key of the Ed25519 seed, from
      that DID to TO_DID, created now and expiring LIFETIME_SECONDS (default 300) later.
      Prints {"did", "kid", "id", "message"} (message: the packed JSON text).
"""
import asyncio
import base64
import json
import sys
import time
import warnings

import authlib.deprecate

# Authlib warns that its jose module, which didcomm 0.3.2 uses, is deprecated (and sets that
# warning to "always" when imported): silence it before didcomm is imported.
warnings.simplefilter("ignore", authlib.deprecate.AuthlibDeprecationWarning)

import base58  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from didcomm.common.resolvers import ResolversConfig
from didcomm.did_doc.did_doc import DIDDoc
from didcomm.did_doc.did_resolver import DIDResolver
from didcomm.errors import DIDCommError
from didcomm.message import Message
from didcomm.pack_signed import pack_signed
from didcomm.secrets.secrets_resolver_in_memory import SecretsResolverInMemory
from didcomm.secrets.secrets_util import jwk_to_secret
from didcomm.unpack import unpack

ED25519_PUB = b"\xed\x01"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def library_document(document: dict) -> DIDDoc:
    """The library knows Ed25519VerificationKey2020 but not Multikey (what tau-node writes):
    the same multibase key is handed to it under the older type name."""
    document = json.loads(json.dumps(document))
    for method in document.get("verificationMethod", []):
        if method.get("type") == "Multikey":
            multibase = method.get("publicKeyMultibase", "")
            method["type"] = "Ed25519VerificationKey2020" if multibase.startswith("z6Mk") else "X25519KeyAgreementKey2020"
    return DIDDoc.deserialize(document)


def did_key_document(did: str) -> dict:
    """The DID document of an Ed25519 did:key (its key for authentication)."""
    identifier = did[len("did:key:"):]
    raw = base58.b58decode(identifier[1:])
    if not identifier.startswith("z") or raw[:2] != ED25519_PUB or len(raw) != 34:
        raise ValueError(f"not an Ed25519 did:key: {did}")
    kid = f"{did}#{identifier}"
    return {
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": did,
        "verificationMethod": [{"id": kid, "type": "Multikey", "controller": did, "publicKeyMultibase": identifier}],
        "authentication": [kid],
        "assertionMethod": [kid],
    }


class Resolver(DIDResolver):
    """did:key from the DID itself; other DIDs from the documents given on the command line."""

    def __init__(self, documents):
        self.documents = {document["id"]: document for document in documents}

    async def resolve(self, did):
        if did in self.documents:
            return library_document(self.documents[did])
        if did.startswith("did:key:"):
            return library_document(did_key_document(did))
        return None


async def run_unpack(message_file, document_files):
    documents = [json.load(open(path)) for path in document_files]
    config = ResolversConfig(secrets_resolver=SecretsResolverInMemory([]), did_resolver=Resolver(documents))
    try:
        result = await unpack(config, open(message_file).read())
    except DIDCommError as error:
        code = getattr(error, "code", None)
        print(json.dumps({"refused": type(error).__name__, "code": getattr(code, "name", None), "detail": str(error)}))
        return 1
    metadata = result.metadata
    print(json.dumps({
        "sign_from": metadata.sign_from,
        "sign_alg": metadata.sign_alg.value if metadata.sign_alg else None,
        "non_repudiation": metadata.non_repudiation,
        "message": result.message.as_dict(),
    }))
    return 0


async def run_pack_signed(seed_hex, to, type_, body, lifetime):
    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(seed_hex))
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    identifier = "z" + base58.b58encode(ED25519_PUB + public).decode()
    did = "did:key:" + identifier
    kid = f"{did}#{identifier}"
    secret = jwk_to_secret({"kid": kid, "kty": "OKP", "crv": "Ed25519", "x": b64url(public), "d": b64url(bytes.fromhex(seed_hex))})
    config = ResolversConfig(secrets_resolver=SecretsResolverInMemory([secret]), did_resolver=Resolver([]))
    now = int(time.time())
    message = Message(type=type_, body=json.loads(body), frm=did, to=[to], created_time=now, expires_time=now + lifetime)
    packed = await pack_signed(config, message, sign_frm=did)
    print(json.dumps({"did": did, "kid": packed.sign_from_kid, "id": message.id, "message": packed.packed_msg}))
    return 0


def main(arguments):
    if len(arguments) >= 2 and arguments[0] == "unpack":
        return asyncio.run(run_unpack(arguments[1], arguments[2:]))
    if len(arguments) in (5, 6) and arguments[0] == "pack-signed":
        lifetime = int(arguments[5]) if len(arguments) == 6 else 300
        return asyncio.run(run_pack_signed(arguments[1], arguments[2], arguments[3], arguments[4], lifetime))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
