"""A software security key for tests: answers WebAuthn registration and sign-in challenges as a real one would.

It signs with its own P-256 key, so the server checks every answer for real (challenge, origin, RP ID,
signature); only the attestation is "none", as most passkeys send.
"""

from __future__ import annotations

import hashlib
import json
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fido2.cose import ES256
from fido2.utils import websafe_decode, websafe_encode
from fido2.webauthn import (
    Aaguid,
    AttestationObject,
    AttestedCredentialData,
    AuthenticatorData,
    CollectedClientData,
)

ORIGIN = "http://localhost"
RP_ID = "localhost"


def _plain(options) -> dict:
    """The options as the browser gets them: the page's JSON."""
    return json.loads(json.dumps(options))


class SoftKey:
    def __init__(self, origin: str = ORIGIN, rp_id: str = RP_ID) -> None:
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(16)
        self.origin = origin
        self.rp_id_hash = hashlib.sha256(rp_id.encode()).digest()
        self.counter = 0

    def register(self, creation_options) -> dict:
        challenge = websafe_decode(_plain(creation_options)["publicKey"]["challenge"])
        client_data = CollectedClientData.create(type="webauthn.create", challenge=challenge, origin=self.origin)
        public_key = ES256.from_cryptography_key(self.private_key.public_key())
        credential = AttestedCredentialData.create(Aaguid.NONE, self.credential_id, public_key)
        flags = AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.UV | AuthenticatorData.FLAG.AT
        auth_data = AuthenticatorData.create(self.rp_id_hash, flags, self.counter, bytes(credential))
        attestation = AttestationObject.create("none", auth_data, {})
        return {
            "id": websafe_encode(self.credential_id),
            "rawId": websafe_encode(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": websafe_encode(bytes(client_data)),
                "attestationObject": websafe_encode(bytes(attestation)),
            },
            "clientExtensionResults": {},
        }

    def sign_in(self, request_options) -> dict:
        challenge = websafe_decode(_plain(request_options)["publicKey"]["challenge"])
        client_data = CollectedClientData.create(type="webauthn.get", challenge=challenge, origin=self.origin)
        self.counter += 1
        flags = AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.UV
        auth_data = AuthenticatorData.create(self.rp_id_hash, flags, self.counter)
        signature = self.private_key.sign(bytes(auth_data) + client_data.hash, ec.ECDSA(hashes.SHA256()))
        return {
            "id": websafe_encode(self.credential_id),
            "rawId": websafe_encode(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": websafe_encode(bytes(client_data)),
                "authenticatorData": websafe_encode(bytes(auth_data)),
                "signature": websafe_encode(signature),
                "userHandle": None,
            },
            "clientExtensionResults": {},
        }
