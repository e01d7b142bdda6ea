"""Encryption and keyed hashing of sensitive fields, keyed by FREMDRIFT_FIELD_KEY.

Two keys are derived from the one setting with HKDF, one for encryption (Fernet: AES-128-CBC
with HMAC-SHA256) and one for the keyed lookup hash (HMAC-SHA256), so that neither can be
used for the other's purpose; a third only fingerprints the setting (`key_fingerprint`).
"""

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _derive(purpose: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"fremdrift-field-key", info=purpose
    ).derive(settings.FREMDRIFT_FIELD_KEY.encode())


@lru_cache(maxsize=4)
def _fernet(field_key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(b"encryption")))


@lru_cache(maxsize=4)
def _hash_key(field_key: str) -> bytes:
    return _derive(b"lookup-hash")


def encrypt(plaintext: str) -> str:
    return _fernet(settings.FREMDRIFT_FIELD_KEY).encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(settings.FREMDRIFT_FIELD_KEY).decrypt(token.encode()).decode()


def lookup_hash(value: str) -> str:
    key = _hash_key(settings.FREMDRIFT_FIELD_KEY)
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def key_fingerprint() -> str:
    """Tells two values of FREMDRIFT_FIELD_KEY apart and reveals nothing of either: an HMAC of
    a fixed text under a key derived for this alone. A backup's manifest keeps it."""
    key = _derive(b"fingerprint")
    return hmac.new(key, b"fremdrift-field-key", hashlib.sha256).hexdigest()[:16]
