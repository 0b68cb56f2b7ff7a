// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ed25519} from "../lib/Ed25519.sol";

/// @dev Test-only: exposes the Ed25519 library (verification, point decoding, SHA-512) to the Hardhat tests.
contract Ed25519Harness {
    function verify(bytes32 publicKey, bytes calldata signature, bytes calldata message) external view returns (bool) {
        return Ed25519.verify(publicKey, signature, message);
    }

    function decodePoint(bytes32 encoded) external view returns (bool ok, uint256 x, uint256 y) {
        return Ed25519.decodePoint(encoded);
    }

    function sha512(bytes calldata data) external pure returns (bytes memory) {
        (bytes32 first, bytes32 second) = Ed25519.sha512(data);
        return abi.encodePacked(first, second);
    }
}
