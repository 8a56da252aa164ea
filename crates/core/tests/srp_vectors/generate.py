"""Fixed SRP test vectors for crates/core/src/auth/srp.rs, computed with pycognito's client code.

pycognito (https://pypi.org/project/pycognito/, tested with 2024.5.1) implements the CLIENT side of
Cognito's USER_SRP_AUTH. This script fixes every random input, lets pycognito compute A, the
HKDF key and the PASSWORD_CLAIM_SIGNATURE (through its own `process_challenge`), and computes the
server's side (verifier v, B) from pycognito's primitives, since pycognito has no server code.

Run:  python3 -m venv /tmp/srp-venv && /tmp/srp-venv/bin/pip install pycognito==2024.5.1
      /tmp/srp-venv/bin/python crates/core/tests/srp_vectors/generate.py

Every random input is derived from SHA-256 of a label, so the output is reproducible. For some sets
the label's counter is searched until the set shows the property it is meant to cover (which PADs
add a `00` byte, or the 1-in-512 case where u's hash starts with a zero byte then a nibble < 8).
"""

import base64
import datetime
import hashlib
import hmac
from unittest import mock

from pycognito import aws_srp
from pycognito.aws_srp import (
    AWSSRP,
    calculate_u,
    compute_hkdf,
    hash_sha256,
    hex_hash,
    hex_to_long,
    long_to_hex,
    pad_hex,
)


def det_bytes(label, n):
    """n deterministic bytes from a label (SHA-256 in counter mode)."""
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"{label}/{i}".encode()).digest()
        i += 1
    return out[:n]


def adds_00(x):
    """Whether PAD(x) prefixes `00` (even-length hex whose first nibble is 8-f)."""
    h = long_to_hex(x)
    return len(h) % 2 == 0 and h[0] in "89abcdef"


class NoClient:
    """Stands in for the boto3 client: nothing here talks to a network."""


def make_srp(pool_id, username, password, a_bytes):
    srp = AWSSRP(username=username, password=password, pool_id=pool_id, client_id="c", client=NoClient())
    # pycognito draws `a` as 128 random bytes mod N; fix it and recompute A the way it does.
    srp.small_a_value = int.from_bytes(a_bytes, "big") % srp.big_n
    srp.large_a_value = srp.calculate_a()
    return srp


def server_b(srp, verifier, b):
    # B = (k*v + g^b) mod N, with pycognito's k, g and N.
    return (srp.val_k * verifier + pow(srp.val_g, b, srp.big_n)) % srp.big_n


def verifier_of(pool_id, user_id, password, salt_int):
    # x exactly as AWSSRP.get_password_authentication_key computes it; v = g^x mod N.
    pool_name = pool_id.split("_")[1]
    up_hash = hash_sha256(f"{pool_name}{user_id}:{password}".encode("utf-8"))
    x = hex_to_long(hex_hash(pad_hex(salt_int) + up_hash))
    return pow(hex_to_long(aws_srp.G_HEX), x, hex_to_long(aws_srp.N_HEX))


def sign(srp, user_id, salt_hex, big_b, secret_block, when):
    """pycognito's own process_challenge, with utcnow() fixed to `when`."""
    fake_dt = mock.Mock(wraps=datetime)
    fake_dt.datetime = mock.Mock(wraps=datetime.datetime)
    fake_dt.datetime.utcnow = mock.Mock(return_value=when)
    with mock.patch.object(aws_srp, "datetime", fake_dt):
        resp = srp.process_challenge(
            {
                "USER_ID_FOR_SRP": user_id,
                "SALT": salt_hex,
                "SRP_B": long_to_hex(big_b),
                "SECRET_BLOCK": base64.standard_b64encode(secret_block).decode(),
            },
            {"USERNAME": user_id},
        )
    return resp["TIMESTAMP"], resp["PASSWORD_CLAIM_SIGNATURE"]


def build(name, pool_id, user_id, password, when, want):
    """Searches the label counter until `want(props)` holds, then prints the set."""
    for counter in range(100000):
        label = f"{name}/{counter}"
        salt = det_bytes(label + "/salt", 16)
        a_bytes = det_bytes(label + "/a", 128)
        b_bytes = det_bytes(label + "/b", 32)
        salt_int = int.from_bytes(salt, "big")
        srp = make_srp(pool_id, user_id, password, a_bytes)
        v = verifier_of(pool_id, user_id, password, salt_int)
        big_b = server_b(srp, v, int.from_bytes(b_bytes, "big"))
        u = calculate_u(srp.large_a_value, big_b)
        u_hash = hex_hash(pad_hex(srp.large_a_value) + pad_hex(big_b))
        props = {
            "salt00": adds_00(salt_int),
            "a00": adds_00(srp.large_a_value),
            "b00": adds_00(big_b),
            "u00": adds_00(u),
            "v00": adds_00(v),
            # u's hash starts with a zero byte and then a nibble < 8: PAD(u as integer) is 31
            # bytes, the raw hash is 32. Clients use PAD(u as integer) as the HKDF salt.
            "u_short": u_hash[:2] == "00" and u_hash[2] in "01234567",
            # The salt's first byte is < 0x10: SALT is odd-length hex and PAD adds a single `0`.
            "salt_short": salt[0] < 0x10,
        }
        if not want(props):
            continue
        # S is only known to the client side; recompute it here to report whether PAD(S) adds 00.
        up_hash = hash_sha256(f"{pool_id.split('_')[1]}{user_id}:{password}".encode("utf-8"))
        x = hex_to_long(hex_hash(pad_hex(salt_int) + up_hash))
        s = pow(big_b - srp.val_k * pow(srp.val_g, x, srp.big_n), srp.small_a_value + u * x, srp.big_n)
        props["s00"] = adds_00(s)
        salt_hex = long_to_hex(salt_int)
        key = srp.get_password_authentication_key(user_id, password, big_b, salt_hex)
        assert key == compute_hkdf(bytes.fromhex(pad_hex(s)), bytes.fromhex(pad_hex(long_to_hex(u))))
        secret_block = det_bytes(label + "/secret", 96)
        timestamp, signature = sign(srp, user_id, salt_hex, big_b, secret_block, when)
        wrong = make_srp(pool_id, user_id, password + "x", a_bytes)
        _, wrong_signature = sign(wrong, user_id, salt_hex, big_b, secret_block, when)
        # Cross-check the signature against the documented formula.
        msg = pool_id.split("_")[1].encode() + user_id.encode() + secret_block + timestamp.encode()
        assert base64.standard_b64encode(hmac.new(key, msg, hashlib.sha256).digest()).decode() == signature
        print(f"// {name}: label counter {counter}; PAD adds 00 to: "
              + (", ".join(k for k, val in props.items() if val and k.endswith("00")) or "none")
              + ("; u hash starts 00 then < 8" if props["u_short"] else "")
              + ("; salt hex has odd length" if props["salt_short"] else ""))
        print(f'pool_id: "{pool_id}",')
        print(f'user_id_for_srp: "{user_id}",')
        print(f'password: "{password}",')
        print(f'salt: "{salt.hex()}",')
        print(f'salt_hex: "{salt_hex}",')
        print(f'a: "{a_bytes.hex()}",')
        print(f'b: "{b_bytes.hex()}",')
        print(f'verifier: "{long_to_hex(v)}",')
        print(f'big_a: "{long_to_hex(srp.large_a_value)}",')
        print(f'big_b: "{long_to_hex(big_b)}",')
        print(f'u: "{long_to_hex(u)}",')
        print(f'key: "{key.hex()}",')
        print(f'secret_block: "{secret_block.hex()}",')
        print(f'timestamp: "{timestamp}",')
        print(f'signature: "{signature}",')
        print(f'wrong_password_signature: "{wrong_signature}",')
        print()
        return
    raise SystemExit(f"no counter found for {name}")


def main():
    # Set 1: every PAD (salt, v, A, B, u, S) adds the `00` byte.
    build(
        "set1",
        "us-east-1_AbCdEf123",
        "7d1e8a4c-2f60-4b39-9a7e-5c3d2b1a0f98",
        "Passw0rd!",
        datetime.datetime(2026, 11, 26, 11, 2, 38),
        lambda p: p["salt00"] and p["a00"] and p["b00"] and p["u00"] and p["v00"],
    )
    # Set 2: no PAD of salt, v, A, B or u adds `00`, the salt's hex has odd length; non-ASCII
    # password; single-digit day in the timestamp.
    build(
        "set2",
        "eu-west-2_Zz9yX8wV7",
        "alice",
        "pässwörd ✓ 密码",
        datetime.datetime(2026, 11, 5, 9, 7, 3),
        lambda p: p["salt_short"] and not (p["salt00"] or p["a00"] or p["b00"] or p["u00"] or p["v00"]),
    )
    # Set 3: the u hash starts with 00 then a nibble < 8 (HKDF salt = PAD(u as integer), 31 bytes).
    build(
        "set3",
        "ap-southeast-2_Q1w2E3r4T",
        "bob@example.com",
        "correct horse battery staple",
        datetime.datetime(2028, 2, 29, 23, 59, 59),
        lambda p: p["u_short"],
    )


if __name__ == "__main__":
    main()
