"""A release's manifest (every file's SHA-256, the release version, the flow versions the journal uses) and its
Ed25519 signature, made and checked with the `cryptography` package.

The signature covers the manifest's exact bytes; the manifest covers every file by hash and names every file the
release holds, so one byte changed anywhere, a file added or a file missing is found before anything is run.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

FORMAT = "seniormode-release/1"
MANIFEST = "release.json"
SIGNATURE = "release.sig"
# Folders of the flows checkout a release carries: flows and rule files, themes and icons, catalogs and recordings.
CONTENT = ("flows_yaml", "themes", "locales")
VERSION = re.compile(r"^[0-9]{1,9}(\.[0-9]{1,9}){0,3}$")
_SKIP = {"__pycache__", ".git"}


class ReleaseError(Exception):
    """A release refused, in one sentence staff can act on (it names the file where there is one)."""


def version_key(version: str) -> tuple[int, ...]:
    """'2026.1204.93012' -> (2026, 1204, 93012): releases compare as numbers, so 10 comes after 9."""
    if not VERSION.match(version):
        raise ReleaseError(f"'{version}' is not a release version (numbers and dots, e.g. 2026.1204.1)")
    return tuple(int(part) for part in version.split("."))


@dataclass(frozen=True)
class Manifest:
    version: str
    created: str
    files: dict[str, str]  # path in the release -> sha256 hex
    flows: dict[str, dict[str, str]] = field(default_factory=dict)  # flow id -> {file, version}
    key_id: str = ""  # the first 16 hex of the signing public key's SHA-256: says which key signed

    def to_bytes(self) -> bytes:
        data = {"format": FORMAT, "version": self.version, "created": self.created, "key_id": self.key_id,
                "flows": self.flows, "files": dict(sorted(self.files.items()))}
        return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")

    @staticmethod
    def from_bytes(data: bytes, where: str) -> Manifest:
        try:
            raw = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ReleaseError(f"{where} is not a release manifest ({exc})") from None
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise ReleaseError(f"{where} is not a {FORMAT} manifest")
        files, flows = raw.get("files"), raw.get("flows", {})
        if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
            raise ReleaseError(f"{where}: 'files' is not a list of paths and hashes")
        version = str(raw.get("version", ""))
        version_key(version)
        return Manifest(version, str(raw.get("created", "")), files, flows if isinstance(flows, dict) else {},
                        str(raw.get("key_id", "")))


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def content_files(root: Path, folders: tuple[str, ...] = CONTENT) -> list[Path]:
    """Every file a release of `root` carries, as paths relative to it, in a stable order."""
    out = []
    for folder in folders:
        base = root / folder
        if not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if d not in _SKIP and not d.startswith("."))
            for name in sorted(filenames):
                if name.startswith(".") or name.endswith((".pyc", "~")):
                    continue
                out.append((Path(dirpath) / name).relative_to(root))
    return out


# ---- keys -----------------------------------------------------------------------------------------------------

def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def new_key_pair() -> tuple[bytes, bytes]:
    """(private PEM, public PEM) of a fresh Ed25519 key."""
    private = Ed25519PrivateKey.generate()
    private_pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption())
    public_pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)
    return private_pem, public_pem


def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as exc:
        raise ReleaseError(f"cannot read the signing key {path}: {exc.strerror}") from None
    except (ValueError, TypeError):
        raise ReleaseError(f"{path} is not an Ed25519 private key (PEM), or it has a passphrase") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ReleaseError(f"{path} is a private key, but not Ed25519")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReleaseError(f"cannot read the release public key {path}: {exc.strerror}") from None
    if b"PRIVATE KEY" in data:
        raise ReleaseError(f"{path} is a private key: a kiosk holds only the public key (release keygen wrote "
                           "release.pub); move the private key off this machine")
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        raise ReleaseError(f"{path} is not a public key (PEM)") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ReleaseError(f"{path} is a public key, but not Ed25519")
    return key


def sign(manifest_bytes: bytes, private: Ed25519PrivateKey) -> bytes:
    return base64.b64encode(private.sign(manifest_bytes)) + b"\n"


def verify(root: Path, public: Ed25519PublicKey, where: str) -> Manifest:
    """The manifest of the release unpacked at `root`, once its signature and every file's hash are right;
    else ReleaseError saying what is wrong (unsigned, tampered, another key, a file missing or extra)."""
    manifest_path, sig_path = root / MANIFEST, root / SIGNATURE
    if not manifest_path.is_file():
        raise ReleaseError(f"{where} has no {MANIFEST}: it is not a seniormode release")
    if not sig_path.is_file():
        raise ReleaseError(f"{where} is not signed (no {SIGNATURE}): refused")
    data = manifest_path.read_bytes()
    try:
        signature = base64.b64decode(sig_path.read_bytes().strip(), validate=True)
    except ValueError:
        raise ReleaseError(f"{where}: {SIGNATURE} is not a signature") from None
    try:
        public.verify(signature, data)
    except InvalidSignature:
        manifest = None
        try:
            manifest = Manifest.from_bytes(data, f"{where}/{MANIFEST}")
        except ReleaseError:
            pass
        if manifest is not None and manifest.key_id and manifest.key_id != key_id(public):
            raise ReleaseError(f"{where} (release {manifest.version}) is signed by another key "
                               f"({manifest.key_id}, this kiosk trusts {key_id(public)}): refused") from None
        raise ReleaseError(f"{where}: the signature does not match {MANIFEST} (tampered): refused") from None
    manifest = Manifest.from_bytes(data, f"{where}/{MANIFEST}")
    for name, expected in manifest.files.items():
        path = root / name
        if ".." in Path(name).parts or Path(name).is_absolute():
            raise ReleaseError(f"{where}: the manifest names a file outside the release: {name}")
        if not path.is_file():
            raise ReleaseError(f"{where}: {name} is in the manifest but not in the release: refused")
        if sha256_file(path) != expected:
            raise ReleaseError(f"{where}: {name} differs from its hash in the manifest (tampered): refused")
    for rel, is_link in _everything(root):
        if is_link:
            raise ReleaseError(f"{where}: {rel} is a link: refused (a release holds plain files only)")
        if rel not in manifest.files and rel not in (MANIFEST, SIGNATURE):
            raise ReleaseError(f"{where}: {rel} is in the release but not in its manifest: refused")
        if rel in manifest.files and holds_private_key(root / rel):
            raise ReleaseError(f"{where}: {rel} holds a private key: refused (move the key off this kiosk and "
                               "make a new key pair: this one is no longer secret)")
    return manifest


def _everything(root: Path) -> list[tuple[str, bool]]:
    """Every entry under `root` but folders, hidden ones too, as (path, is a link): nothing goes unchecked."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            if (Path(dirpath) / name).is_symlink():
                out.append((str((Path(dirpath) / name).relative_to(root)), True))
        for name in filenames:
            path = Path(dirpath) / name
            out.append((str(path.relative_to(root)), path.is_symlink() or not path.is_file()))
    return sorted(out)


def holds_private_key(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return b"PRIVATE KEY-----" in fh.read(4 * 1024 * 1024)
    except OSError:
        return False


__all__ = ["CONTENT", "FORMAT", "MANIFEST", "SIGNATURE", "Manifest", "ReleaseError", "content_files", "key_id",
           "holds_private_key", "load_private_key", "load_public_key", "new_key_pair", "sha256_file", "sign",
           "verify", "version_key"]
