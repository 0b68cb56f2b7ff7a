// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Ed25519
/// @notice Ed25519 signature verification (RFC 8032 §5.1.7, pure Ed25519: no context, no pre-hash), written for
///         NodeRegistry's proof of possession of a node key. Registration is rare, so this favours plain, checkable
///         code over the last bit of gas. A verification is one SHA-512 of R ‖ A ‖ M, one point decoding (A only: R
///         is compared by its encoding, never decoded), one joint double-scalar multiplication and two calls to the
///         modexp precompile (a square root, an inversion).
///
///         The check is the cofactorless one, with strict encodings:
///         - A (the public key) must decode: y < p, x recoverable, and not "x = 0 with the sign bit set";
///         - S must be below the group order L (no malleable S + L);
///         - k = SHA-512(R ‖ A ‖ M) mod L, and the signature holds iff the canonical encoding of [S]B − [k]A equals
///           the 32 bytes of R. This is [S]B = R + [k]A with R decoded, except that an R whose bytes are not a
///           canonical encoding (y ≥ p) is refused rather than reduced.
///         Every signature made by an RFC 8032 signer (BouncyCastle's Ed25519.sign, Node's crypto.sign) passes both
///         this check and the cofactored one; the two only differ on signatures crafted with small-order components,
///         which need no support here.
library Ed25519 {
    /// @dev The field prime p = 2^255 − 19.
    uint256 private constant P = 0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed;
    /// @dev The order of the base point, L = 2^252 + 27742317777372353535851937790883648493.
    uint256 private constant L = 0x1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed;
    /// @dev 2^256 mod L: folds the upper half of the 512-bit hash into a scalar.
    uint256 private constant TWO256_MOD_L = 0x0ffffffffffffffffffffffffffffffec6ef5bf4737dcf70d6ec31748d98951d;
    /// @dev The curve constant d = −121665/121666 mod p, and 2d (the addition formula uses 2d).
    uint256 private constant D = 0x52036cee2b6ffe738cc740797779e89800700a4d4141d8ab75eb4dca135978a3;
    uint256 private constant D2 = 0x2406d9dc56dffce7198e80f2eef3d13000e0149a8283b156ebd69b9426b2f159;
    /// @dev sqrt(−1) mod p = 2^((p−1)/4).
    uint256 private constant SQRT_M1 = 0x2b8324804fc1df0b2b4d00993dfbd7a72f431806ad2fe478c4ee1b274a0ea0b0;
    /// @dev The base point B = (x, 4/5), and T = x·y of it.
    uint256 private constant BX = 0x216936d3cd6e53fec0a4e231fdd6dc5c692cc7609525a7b2c9562d608f25d51a;
    uint256 private constant BY = 0x6666666666666666666666666666666666666666666666666666666666666658;
    uint256 private constant BT = 0x67875f0fd78b766566ea4e8e64abe37d20f09f80775152f56dde8ab3a5b7dda3;
    /// @dev Exponents for the square root ((p−5)/8) and for inversion (p−2, Fermat).
    uint256 private constant SQRT_EXP = 0x0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd;
    uint256 private constant INV_EXP = 0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeb;

    /// @notice True iff `signature` (R ‖ S, 64 bytes as RFC 8032 encodes them) is a valid Ed25519 signature of
    ///         `message` by `publicKey` (the 32-byte encoding of A). Malformed input is false, never a revert.
    function verify(bytes32 publicKey, bytes memory signature, bytes memory message) internal view returns (bool) {
        if (signature.length != 64) return false;
        bytes32 r;
        bytes32 sRaw;
        assembly ("memory-safe") {
            r := mload(add(signature, 0x20))
            sRaw := mload(add(signature, 0x40))
        }
        uint256 s = _littleEndian(sRaw);
        if (s >= L) return false;
        (bool ok, uint256 ax, uint256 ay) = decodePoint(publicKey);
        if (!ok) return false;
        uint256 k = _challenge(r, publicKey, message);
        (uint256 qx, uint256 qy, uint256 qz) = _mulBaseMinusPoint(s, k, ax, ay);
        return _encode(qx, qy, qz) == _littleEndian(r);
    }

    /// @notice Decodes a point from its 32-byte encoding (RFC 8032 §5.1.3); ok is false for a non-canonical y
    ///         (y ≥ p), for a y with no x on the curve, and for x = 0 with the sign bit set.
    function decodePoint(bytes32 encoded) internal view returns (bool ok, uint256 x, uint256 y) {
        uint256 v = _littleEndian(encoded);
        uint256 sign = v >> 255;
        y = v & ((1 << 255) - 1);
        if (y >= P) return (false, 0, 0);
        uint256 yy = mulmod(y, y, P);
        uint256 num = addmod(yy, P - 1, P); // u = y² − 1
        uint256 den = addmod(mulmod(D, yy, P), 1, P); // v = d·y² + 1
        x = _sqrtRatio(num, den);
        uint256 vxx = mulmod(den, mulmod(x, x, P), P);
        if (vxx != num) {
            // x² = −u/v: the other root of unity fixes it; anything else has no square root
            if (addmod(vxx, num, P) != 0) return (false, 0, 0);
            x = mulmod(x, SQRT_M1, P);
        }
        if (x == 0 && sign == 1) return (false, 0, 0);
        if (x & 1 != sign) x = P - x;
        ok = true;
    }

    /// @dev The candidate root x = u·v³·(u·v⁷)^((p−5)/8) of x² = u/v (RFC 8032 §5.1.3 step 2); the caller checks it.
    function _sqrtRatio(uint256 u, uint256 v) private view returns (uint256) {
        uint256 v3 = mulmod(mulmod(v, v, P), v, P);
        uint256 v7 = mulmod(mulmod(v3, v3, P), v, P);
        return mulmod(mulmod(u, v3, P), _modexp(mulmod(u, v7, P), SQRT_EXP), P);
    }

    /// @dev k = SHA-512(R ‖ A ‖ M) read as a little-endian 512-bit integer, mod L.
    function _challenge(bytes32 r, bytes32 publicKey, bytes memory message) private pure returns (uint256) {
        (bytes32 lo, bytes32 hi) = sha512(abi.encodePacked(r, publicKey, message));
        return addmod(mulmod(_littleEndian(hi), TWO256_MOD_L, L), _littleEndian(lo), L);
    }

    /// @dev The canonical encoding of the point (X:Y:Z) as a little-endian integer: y with x's parity in bit 255.
    function _encode(uint256 qx, uint256 qy, uint256 qz) private view returns (uint256) {
        uint256 zInv = _modexp(qz, INV_EXP);
        uint256 x = mulmod(qx, zInv, P);
        uint256 y = mulmod(qy, zInv, P);
        return y | ((x & 1) << 255);
    }

    /// @dev base^exponent mod p through the modexp precompile (0x05).
    function _modexp(uint256 base, uint256 exponent) private view returns (uint256 result) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, 0x20)
            mstore(add(m, 0x20), 0x20)
            mstore(add(m, 0x40), 0x20)
            mstore(add(m, 0x60), base)
            mstore(add(m, 0x80), exponent)
            mstore(add(m, 0xa0), P)
            if iszero(staticcall(gas(), 0x05, m, 0xc0, m, 0x20)) { revert(0, 0) }
            result := mload(m)
        }
    }

    /// @dev Reverses the byte order: RFC 8032 encodes integers little-endian, the EVM reads words big-endian.
    function _littleEndian(bytes32 b) private pure returns (uint256 v) {
        v = uint256(b);
        v = ((v & 0xff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00) >> 8)
            | ((v & 0x00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff) << 8);
        v = ((v & 0xffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000) >> 16)
            | ((v & 0x0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff) << 16);
        v = ((v & 0xffffffff00000000ffffffff00000000ffffffff00000000ffffffff00000000) >> 32)
            | ((v & 0x00000000ffffffff00000000ffffffff00000000ffffffff00000000ffffffff) << 32);
        v = ((v & 0xffffffffffffffff0000000000000000ffffffffffffffff0000000000000000) >> 64)
            | ((v & 0x0000000000000000ffffffffffffffff0000000000000000ffffffffffffffff) << 64);
        v = (v >> 128) | (v << 128);
    }

    /// @dev [s]B + [k](−A) for s, k < 2^253, with A = (ax, ay) affine, in extended coordinates (X:Y:Z:T), x = X/Z,
    ///      y = Y/Z, x·y = T/Z. Straus/Shamir: one pass over the bits of both scalars, one doubling per bit and at
    ///      most one addition, of B, −A or B − A (precomputed). The formulas are the complete ones for a = −1
    ///      (Hisil–Wong–Carter–Dawson 2008), so the identity and equal operands need no special case.
    ///      Addends are kept "cached" as (Y − X, Y + X, 2d·T, 2Z), 128 bytes each.
    function _mulBaseMinusPoint(uint256 s, uint256 k, uint256 ax, uint256 ay)
        private
        pure
        returns (uint256 qx, uint256 qy, uint256 qz)
    {
        assembly ("memory-safe") {
            // add-2008-hwcd-3: (x1, y1, z1, t1) + cached q
            function padd(x1, y1, z1, t1, q) -> x3, y3, z3, t3 {
                x3 := mulmod(addmod(y1, sub(P, x1), P), mload(q), P) // A = (Y1 − X1)(Y2 − X2)
                y3 := mulmod(addmod(y1, x1, P), mload(add(q, 0x20)), P) // B = (Y1 + X1)(Y2 + X2)
                z3 := mulmod(t1, mload(add(q, 0x40)), P) // C = T1·2d·T2
                t3 := mulmod(z1, mload(add(q, 0x60)), P) // D = Z1·2·Z2
                let e := addmod(y3, sub(P, x3), P) // E = B − A
                let h := addmod(y3, x3, P) // H = B + A
                let f := addmod(t3, sub(P, z3), P) // F = D − C
                let g := addmod(t3, z3, P) // G = D + C
                x3 := mulmod(e, f, P)
                y3 := mulmod(g, h, P)
                t3 := mulmod(e, h, P)
                z3 := mulmod(f, g, P)
            }
            // dbl-2008-hwcd with a = −1: 2·(x1, y1, z1)
            function pdbl(x1, y1, z1) -> x3, y3, z3, t3 {
                x3 := mulmod(x1, x1, P) // A = X1²
                y3 := mulmod(y1, y1, P) // B = Y1²
                z3 := mulmod(z1, z1, P)
                z3 := addmod(z3, z3, P) // C = 2·Z1²
                t3 := addmod(x1, y1, P)
                let ab := addmod(x3, y3, P)
                t3 := addmod(mulmod(t3, t3, P), sub(P, ab), P) // E = (X1 + Y1)² − A − B
                let g := addmod(y3, sub(P, x3), P) // G = a·A + B = B − A
                let h := sub(P, ab) // H = a·A − B = −(A + B), in (0, p]: mulmod reduces it
                let f := addmod(g, sub(P, z3), P) // F = G − C
                x3 := mulmod(t3, f, P)
                y3 := mulmod(g, h, P)
                z3 := mulmod(f, g, P)
                t3 := mulmod(t3, h, P)
            }
            let tbl := mload(0x40)
            // [1] B
            mstore(tbl, addmod(BY, sub(P, BX), P))
            mstore(add(tbl, 0x20), addmod(BY, BX, P))
            mstore(add(tbl, 0x40), mulmod(BT, D2, P))
            mstore(add(tbl, 0x60), 2)
            // [2] −A = (−ax, ay): Y − X = ay + ax, Y + X = ay − ax, T = −ax·ay
            mstore(add(tbl, 0x80), addmod(ay, ax, P))
            mstore(add(tbl, 0xa0), addmod(ay, sub(P, ax), P))
            mstore(add(tbl, 0xc0), mulmod(mulmod(sub(P, ax), ay, P), D2, P))
            mstore(add(tbl, 0xe0), 2)
            // [3] B − A
            {
                let x3, y3, z3, t3 := padd(BX, BY, 1, BT, add(tbl, 0x80))
                mstore(add(tbl, 0x100), addmod(y3, sub(P, x3), P))
                mstore(add(tbl, 0x120), addmod(y3, x3, P))
                mstore(add(tbl, 0x140), mulmod(t3, D2, P))
                mstore(add(tbl, 0x160), addmod(z3, z3, P))
            }
            // the identity (0 : 1 : 1 : 0)
            qx := 0
            qy := 1
            qz := 1
            let qt := 0
            for { let i := 253 } i {} {
                i := sub(i, 1)
                qx, qy, qz, qt := pdbl(qx, qy, qz)
                let bits := or(and(shr(i, s), 1), shl(1, and(shr(i, k), 1)))
                if bits { qx, qy, qz, qt := padd(qx, qy, qz, qt, add(tbl, shl(7, sub(bits, 1)))) }
            }
        }
    }

    /// @notice SHA-512 (FIPS 180-4) of `data`; the digest is `first ‖ second` (32 bytes each, in digest order).
    ///         64-bit words live in 256-bit stack slots and are masked back to 64 bits after every addition.
    function sha512(bytes memory data) internal pure returns (bytes32 first, bytes32 second) {
        assembly ("memory-safe") {
            function rotr(x, n) -> r {
                r := or(shr(n, x), and(shl(sub(64, n), x), 0xffffffffffffffff))
            }
            // Scratch memory past the free pointer: K[0..79] and W[0..79] (a word each), H[0..7], then the padded
            // message. It is never handed back, so the free pointer stays where it is.
            let base := mload(0x40)
            mstore(add(base, 0x0), 0x428a2f98d728ae22)
            mstore(add(base, 0x20), 0x7137449123ef65cd)
            mstore(add(base, 0x40), 0xb5c0fbcfec4d3b2f)
            mstore(add(base, 0x60), 0xe9b5dba58189dbbc)
            mstore(add(base, 0x80), 0x3956c25bf348b538)
            mstore(add(base, 0xa0), 0x59f111f1b605d019)
            mstore(add(base, 0xc0), 0x923f82a4af194f9b)
            mstore(add(base, 0xe0), 0xab1c5ed5da6d8118)
            mstore(add(base, 0x100), 0xd807aa98a3030242)
            mstore(add(base, 0x120), 0x12835b0145706fbe)
            mstore(add(base, 0x140), 0x243185be4ee4b28c)
            mstore(add(base, 0x160), 0x550c7dc3d5ffb4e2)
            mstore(add(base, 0x180), 0x72be5d74f27b896f)
            mstore(add(base, 0x1a0), 0x80deb1fe3b1696b1)
            mstore(add(base, 0x1c0), 0x9bdc06a725c71235)
            mstore(add(base, 0x1e0), 0xc19bf174cf692694)
            mstore(add(base, 0x200), 0xe49b69c19ef14ad2)
            mstore(add(base, 0x220), 0xefbe4786384f25e3)
            mstore(add(base, 0x240), 0x0fc19dc68b8cd5b5)
            mstore(add(base, 0x260), 0x240ca1cc77ac9c65)
            mstore(add(base, 0x280), 0x2de92c6f592b0275)
            mstore(add(base, 0x2a0), 0x4a7484aa6ea6e483)
            mstore(add(base, 0x2c0), 0x5cb0a9dcbd41fbd4)
            mstore(add(base, 0x2e0), 0x76f988da831153b5)
            mstore(add(base, 0x300), 0x983e5152ee66dfab)
            mstore(add(base, 0x320), 0xa831c66d2db43210)
            mstore(add(base, 0x340), 0xb00327c898fb213f)
            mstore(add(base, 0x360), 0xbf597fc7beef0ee4)
            mstore(add(base, 0x380), 0xc6e00bf33da88fc2)
            mstore(add(base, 0x3a0), 0xd5a79147930aa725)
            mstore(add(base, 0x3c0), 0x06ca6351e003826f)
            mstore(add(base, 0x3e0), 0x142929670a0e6e70)
            mstore(add(base, 0x400), 0x27b70a8546d22ffc)
            mstore(add(base, 0x420), 0x2e1b21385c26c926)
            mstore(add(base, 0x440), 0x4d2c6dfc5ac42aed)
            mstore(add(base, 0x460), 0x53380d139d95b3df)
            mstore(add(base, 0x480), 0x650a73548baf63de)
            mstore(add(base, 0x4a0), 0x766a0abb3c77b2a8)
            mstore(add(base, 0x4c0), 0x81c2c92e47edaee6)
            mstore(add(base, 0x4e0), 0x92722c851482353b)
            mstore(add(base, 0x500), 0xa2bfe8a14cf10364)
            mstore(add(base, 0x520), 0xa81a664bbc423001)
            mstore(add(base, 0x540), 0xc24b8b70d0f89791)
            mstore(add(base, 0x560), 0xc76c51a30654be30)
            mstore(add(base, 0x580), 0xd192e819d6ef5218)
            mstore(add(base, 0x5a0), 0xd69906245565a910)
            mstore(add(base, 0x5c0), 0xf40e35855771202a)
            mstore(add(base, 0x5e0), 0x106aa07032bbd1b8)
            mstore(add(base, 0x600), 0x19a4c116b8d2d0c8)
            mstore(add(base, 0x620), 0x1e376c085141ab53)
            mstore(add(base, 0x640), 0x2748774cdf8eeb99)
            mstore(add(base, 0x660), 0x34b0bcb5e19b48a8)
            mstore(add(base, 0x680), 0x391c0cb3c5c95a63)
            mstore(add(base, 0x6a0), 0x4ed8aa4ae3418acb)
            mstore(add(base, 0x6c0), 0x5b9cca4f7763e373)
            mstore(add(base, 0x6e0), 0x682e6ff3d6b2b8a3)
            mstore(add(base, 0x700), 0x748f82ee5defb2fc)
            mstore(add(base, 0x720), 0x78a5636f43172f60)
            mstore(add(base, 0x740), 0x84c87814a1f0ab72)
            mstore(add(base, 0x760), 0x8cc702081a6439ec)
            mstore(add(base, 0x780), 0x90befffa23631e28)
            mstore(add(base, 0x7a0), 0xa4506cebde82bde9)
            mstore(add(base, 0x7c0), 0xbef9a3f7b2c67915)
            mstore(add(base, 0x7e0), 0xc67178f2e372532b)
            mstore(add(base, 0x800), 0xca273eceea26619c)
            mstore(add(base, 0x820), 0xd186b8c721c0c207)
            mstore(add(base, 0x840), 0xeada7dd6cde0eb1e)
            mstore(add(base, 0x860), 0xf57d4f7fee6ed178)
            mstore(add(base, 0x880), 0x06f067aa72176fba)
            mstore(add(base, 0x8a0), 0x0a637dc5a2c898a6)
            mstore(add(base, 0x8c0), 0x113f9804bef90dae)
            mstore(add(base, 0x8e0), 0x1b710b35131c471b)
            mstore(add(base, 0x900), 0x28db77f523047d84)
            mstore(add(base, 0x920), 0x32caab7b40c72493)
            mstore(add(base, 0x940), 0x3c9ebe0a15c9bebc)
            mstore(add(base, 0x960), 0x431d67c49c100d4c)
            mstore(add(base, 0x980), 0x4cc5d4becb3e42b6)
            mstore(add(base, 0x9a0), 0x597f299cfc657e2a)
            mstore(add(base, 0x9c0), 0x5fcb6fab3ad6faec)
            mstore(add(base, 0x9e0), 0x6c44198c4a475817)
            // (few stack slots: W starts at base + 0xa00, H at base + 0x1400, the message at base + 0x1500)
            {
                let hp := add(base, 0x1400)
                mstore(hp, 0x6a09e667f3bcc908)
                mstore(add(hp, 0x20), 0xbb67ae8584caa73b)
                mstore(add(hp, 0x40), 0x3c6ef372fe94f82b)
                mstore(add(hp, 0x60), 0xa54ff53a5f1d36f1)
                mstore(add(hp, 0x80), 0x510e527fade682d1)
                mstore(add(hp, 0xa0), 0x9b05688c2b3e6c1f)
                mstore(add(hp, 0xc0), 0x1f83d9abfb41bd6b)
                mstore(add(hp, 0xe0), 0x5be0cd19137e2179)
            }

            // Padding: the message, 0x80, zeros, and the length in bits as a 128-bit big-endian number, to a
            // multiple of 128 bytes. The scratch area may hold garbage from earlier use, so it is zeroed first.
            let end := add(base, 0x1500)
            {
                let buf := end
                let len := mload(data)
                let padded := mul(div(add(len, 144), 128), 128)
                for { let i := 0 } lt(i, padded) { i := add(i, 0x20) } { mstore(add(buf, i), 0) }
                for { let i := 0 } lt(i, len) { i := add(i, 0x20) } { mstore(add(buf, i), mload(add(add(data, 0x20), i))) }
                mstore(add(buf, len), 0) // the last copied word may carry bytes past the message
                mstore8(add(buf, len), 0x80)
                let lenAt := add(buf, sub(padded, 0x20))
                mstore(lenAt, or(mload(lenAt), shl(3, len)))
                end := add(buf, padded)
            }

            for { let blk := add(base, 0x1500) } lt(blk, end) { blk := add(blk, 128) } {
                {
                    // message schedule: W[t] at base + 0xa00 + 32t, K[t] 0xa00 bytes below it
                    let wp := add(base, 0xa00)
                    for { let t := 0 } lt(t, 16) { t := add(t, 1) } {
                        mstore(add(wp, shl(5, t)), shr(192, mload(add(blk, shl(3, t)))))
                    }
                    for { let w := add(base, 0xc00) } lt(w, add(base, 0x1400)) { w := add(w, 0x20) } {
                        let w15 := mload(sub(w, 0x1e0))
                        let w2 := mload(sub(w, 0x40))
                        let s0 := xor(xor(rotr(w15, 1), rotr(w15, 8)), shr(7, w15))
                        let s1 := xor(xor(rotr(w2, 19), rotr(w2, 61)), shr(6, w2))
                        mstore(w, and(add(add(s1, mload(sub(w, 0xe0))), add(s0, mload(sub(w, 0x200)))), 0xffffffffffffffff))
                    }
                }
                // compression
                let hp := add(base, 0x1400)
                let a := mload(hp)
                let b := mload(add(hp, 0x20))
                let c := mload(add(hp, 0x40))
                let d := mload(add(hp, 0x60))
                let e := mload(add(hp, 0x80))
                let f := mload(add(hp, 0xa0))
                let g := mload(add(hp, 0xc0))
                let h := mload(add(hp, 0xe0))
                for { let w := add(base, 0xa00) } lt(w, hp) { w := add(w, 0x20) } {
                    // T1 = h + Σ1(e) + Ch(e, f, g) + K[t] + W[t]
                    let t1 := add(
                        add(h, add(mload(w), mload(sub(w, 0xa00)))),
                        add(xor(xor(rotr(e, 14), rotr(e, 18)), rotr(e, 41)), xor(and(e, f), and(not(e), g)))
                    )
                    // new a = T1 + Σ0(a) + Maj(a, b, c)
                    let na := and(
                        add(t1, add(xor(xor(rotr(a, 28), rotr(a, 34)), rotr(a, 39)), xor(xor(and(a, b), and(a, c)), and(b, c)))),
                        0xffffffffffffffff
                    )
                    h := g
                    g := f
                    f := e
                    e := and(add(d, t1), 0xffffffffffffffff)
                    d := c
                    c := b
                    b := a
                    a := na
                }
                mstore(hp, and(add(mload(hp), a), 0xffffffffffffffff))
                mstore(add(hp, 0x20), and(add(mload(add(hp, 0x20)), b), 0xffffffffffffffff))
                mstore(add(hp, 0x40), and(add(mload(add(hp, 0x40)), c), 0xffffffffffffffff))
                mstore(add(hp, 0x60), and(add(mload(add(hp, 0x60)), d), 0xffffffffffffffff))
                mstore(add(hp, 0x80), and(add(mload(add(hp, 0x80)), e), 0xffffffffffffffff))
                mstore(add(hp, 0xa0), and(add(mload(add(hp, 0xa0)), f), 0xffffffffffffffff))
                mstore(add(hp, 0xc0), and(add(mload(add(hp, 0xc0)), g), 0xffffffffffffffff))
                mstore(add(hp, 0xe0), and(add(mload(add(hp, 0xe0)), h), 0xffffffffffffffff))
            }
            let hp := add(base, 0x1400)
            first := or(or(shl(192, mload(hp)), shl(128, mload(add(hp, 0x20)))), or(shl(64, mload(add(hp, 0x40))), mload(add(hp, 0x60))))
            second := or(
                or(shl(192, mload(add(hp, 0x80))), shl(128, mload(add(hp, 0xa0)))),
                or(shl(64, mload(add(hp, 0xc0))), mload(add(hp, 0xe0)))
            )
        }
    }
}
