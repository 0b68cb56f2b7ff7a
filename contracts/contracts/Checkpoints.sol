// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Staking} from "./Staking.sol";
import {NodeRegistry} from "./NodeRegistry.sol";
import {SortedIds} from "./SortedIds.sol";

/// @title Checkpoints
/// @notice Per-epoch state roots agreed by the active nodes, and slashing of nodes that sign two roots for one epoch.
///
/// Each active node of an epoch signs the EIP-712 message `Checkpoint(uint64 epoch,bytes32 cutHash,bytes32 root)`
/// with its operator key (the operator address of NodeRegistry). Once the epoch is over, anyone submits the
/// signatures of nodes that carry at least 2/3 of the stake of the active set in force for that epoch (Staking's
/// snapshot); the first valid submission finalizes the epoch. When Staking's rewards are gated by this contract,
/// finalizing also pays the epoch's inflation to the signers only (`Staking.rewardSigners`).
///
/// Two signatures by one node's operator for the same epoch with different roots are evidence of equivocation:
/// anyone may submit them; the node is slashed `slashBps` (through `Staking.slash`, which needs CONSENSUS_ROLE)
/// and the submitter gets Staking's reporter share. A node is slashed at most once per epoch.
///
/// Gas: `submit` reads the epoch's active set once (N <= 100 entries), then O(N log m) to match the m signers,
/// one registry read and one ecrecover per signer. Signers are stored as a bitmap over the snapshot's entries.
contract Checkpoints is AccessControl, EIP712 {
    using SafeCast for uint256;

    bytes32 public constant GOVERNANCE_ROLE = keccak256("GOVERNANCE_ROLE");
    bytes32 public constant CHECKPOINT_TYPEHASH = keccak256("Checkpoint(uint64 epoch,bytes32 cutHash,bytes32 root)");
    /// @notice Ceiling of `slashBps`: one offence takes at most half of a node's stake.
    uint256 public constant MAX_SLASH_BPS = 5_000;

    struct Record {
        bytes32 root;
        bytes32 cutHash;
        uint128 signedStake;
        uint128 totalStake;
        uint256 signerBits; // bit j set: entry j of the epoch's active set signed; nonzero exactly when finalized
    }

    Staking public immutable staking;
    NodeRegistry public immutable registry;

    /// @notice Share of a node's stake (bonded and unbonding) slashed for one double signature.
    uint256 public slashBps;
    uint256 public finalizedCount;
    uint64 private _lastFinalized;

    mapping(uint64 epoch => Record) private _records;
    mapping(uint64 epoch => mapping(uint256 nodeId => bool)) private _slashed;

    event CheckpointFinalized(
        uint64 indexed epoch,
        bytes32 root,
        bytes32 cutHash,
        uint256[] signers,
        uint256 signedStake,
        uint256 totalStake
    );
    event DoubleSignSlashed(
        uint64 indexed epoch,
        uint256 indexed nodeId,
        address reporter,
        bytes32 rootA,
        bytes32 rootB
    );
    event SlashBpsSet(uint256 slashBps);

    error ZeroAddress();
    error RegistryMismatch();
    error InvalidParameter();
    error LengthMismatch(uint256 nodeIds, uint256 signatures);
    error EpochNotOver(uint64 epoch);
    error EpochNotStarted(uint64 epoch);
    error AlreadyFinalized(uint64 epoch);
    error UnsortedSigners(uint256 index);
    error NoActiveSet(uint64 epoch);
    error NotInActiveSet(uint64 epoch, uint256 nodeId);
    error BadSignature(uint256 nodeId);
    error QuorumNotReached(uint256 signedStake, uint256 totalStake);
    error SameRoot();
    error AlreadySlashed(uint64 epoch, uint256 nodeId);
    error NothingFinalized();

    constructor(Staking staking_, NodeRegistry registry_, address admin, uint256 slashBps_)
        EIP712("XMTPJ Checkpoints", "1")
    {
        if (address(staking_) == address(0) || address(registry_) == address(0) || admin == address(0)) {
            revert ZeroAddress();
        }
        if (address(staking_.registry()) != address(registry_)) revert RegistryMismatch();
        staking = staking_;
        registry = registry_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GOVERNANCE_ROLE, admin);
        _setSlashBps(slashBps_);
    }

    // ================================================================ checkpoints

    /// @notice Finalizes `epoch` with `root` (and the cut it was computed at). `nodeIds` strictly ascending, each
    ///         in the active set in force for `epoch`, `signatures[i]` by node `nodeIds[i]`'s operator over
    ///         `checkpointDigest(epoch, cutHash, root)`; their snapshotted stake must be >= 2/3 of the set's total.
    ///         Anyone may submit, once per epoch, after the epoch is over. In gated mode it also pays the epoch's
    ///         rewards to the signers (if Staking can still reward that epoch, see `Staking.rewardable`).
    function submit(
        uint64 epoch,
        bytes32 cutHash,
        bytes32 root,
        uint256[] calldata nodeIds,
        bytes[] calldata signatures
    ) external {
        uint256 m = nodeIds.length;
        if (m != signatures.length) revert LengthMismatch(m, signatures.length);
        if (epoch >= staking.currentEpoch()) revert EpochNotOver(epoch);
        Record storage r = _records[epoch];
        if (r.signerBits != 0) revert AlreadyFinalized(epoch);
        for (uint256 i = 1; i < m; i++) {
            if (nodeIds[i] <= nodeIds[i - 1]) revert UnsortedSigners(i);
        }
        (uint256 bits, uint256 signed, uint256 total) = _weigh(epoch, nodeIds);
        if (signed * 3 < total * 2) revert QuorumNotReached(signed, total);
        bytes32 digest = checkpointDigest(epoch, cutHash, root);
        for (uint256 i = 0; i < m; i++) {
            if (!_signedBy(digest, signatures[i], nodeIds[i])) revert BadSignature(nodeIds[i]);
        }

        r.root = root;
        r.cutHash = cutHash;
        r.signedStake = signed.toUint128();
        r.totalStake = total.toUint128();
        r.signerBits = bits;
        if (finalizedCount == 0 || epoch > _lastFinalized) _lastFinalized = epoch;
        finalizedCount++;
        emit CheckpointFinalized(epoch, root, cutHash, nodeIds, signed, total);

        if (staking.checkpoints() == address(this) && staking.rewardable(epoch)) {
            staking.rewardSigners(epoch, nodeIds);
        }
    }

    /// @notice Slashes node `nodeId` for signing two different roots for `epoch` (signatures `sigA` over
    ///         (epoch, cutA, rootA) and `sigB` over (epoch, cutB, rootB), both by its operator). The node must be in
    ///         the active set in force for `epoch` (an epoch not after the current one), and not yet slashed for
    ///         that epoch. Anyone may submit; msg.sender receives Staking's reporter share. Returns the amount
    ///         slashed. Works whether or not `epoch` was finalized.
    function submitEvidence(
        uint64 epoch,
        uint256 nodeId,
        bytes32 cutA,
        bytes32 rootA,
        bytes calldata sigA,
        bytes32 cutB,
        bytes32 rootB,
        bytes calldata sigB
    ) external returns (uint256 slashed) {
        if (rootA == rootB) revert SameRoot();
        if (epoch > staking.currentEpoch()) revert EpochNotStarted(epoch);
        if (_slashed[epoch][nodeId]) revert AlreadySlashed(epoch, nodeId);
        _requireMember(epoch, nodeId);
        if (!_signedBy(checkpointDigest(epoch, cutA, rootA), sigA, nodeId)) revert BadSignature(nodeId);
        if (!_signedBy(checkpointDigest(epoch, cutB, rootB), sigB, nodeId)) revert BadSignature(nodeId);
        _slashed[epoch][nodeId] = true;
        slashed = staking.slash(nodeId, slashBps, msg.sender);
        emit DoubleSignSlashed(epoch, nodeId, msg.sender, rootA, rootB);
    }

    // ================================================================ governance

    function setSlashBps(uint256 bps) external onlyRole(GOVERNANCE_ROLE) {
        _setSlashBps(bps);
    }

    // ================================================================ views

    /// @notice The EIP-712 digest a node's operator signs for (epoch, cutHash, root).
    function checkpointDigest(uint64 epoch, bytes32 cutHash, bytes32 root) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(CHECKPOINT_TYPEHASH, epoch, cutHash, root)));
    }

    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @notice The checkpoint of `epoch`; all zero when it is not finalized.
    function checkpoint(uint64 epoch)
        external
        view
        returns (bool finalized, bytes32 root, bytes32 cutHash, uint256 signedStake, uint256 totalStake)
    {
        Record storage r = _records[epoch];
        return (r.signerBits != 0, r.root, r.cutHash, r.signedStake, r.totalStake);
    }

    /// @notice The highest finalized epoch (epochs may be finalized in any order); reverts if none is.
    function lastFinalizedEpoch() external view returns (uint64) {
        if (finalizedCount == 0) revert NothingFinalized();
        return _lastFinalized;
    }

    /// @notice The node ids that signed `epoch`'s checkpoint, ascending; empty when it is not finalized.
    function signers(uint64 epoch) external view returns (uint256[] memory ids) {
        uint256 bits = _records[epoch].signerBits;
        if (bits == 0) return ids;
        (uint256[] memory set,,) = staking.activeSet(epoch);
        ids = new uint256[](set.length);
        uint256 k = 0;
        for (uint256 j = 0; j < set.length; j++) {
            if ((bits >> j) & 1 == 0) continue;
            uint256 id = set[j];
            uint256 p = k++;
            while (p > 0 && ids[p - 1] > id) {
                ids[p] = ids[p - 1];
                p--;
            }
            ids[p] = id;
        }
        assembly ("memory-safe") {
            mstore(ids, k)
        }
    }

    /// @notice Whether `nodeId` was already slashed for double signing in `epoch`.
    function isSlashed(uint64 epoch, uint256 nodeId) external view returns (bool) {
        return _slashed[epoch][nodeId];
    }

    // ================================================================ internals

    /// @dev Matches the (ascending) signers against the active set of `epoch`: the bitmap of signing entries, their
    ///      stake and the set's total. Reverts unless every signer is a member.
    function _weigh(uint64 epoch, uint256[] calldata nodeIds)
        private
        view
        returns (uint256 bits, uint256 signed, uint256 total)
    {
        uint256[] memory ids;
        uint256[] memory stakes;
        (ids, stakes, total) = _activeSet(epoch);
        uint256 matched = 0;
        for (uint256 j = 0; j < ids.length; j++) {
            if (SortedIds.contains(nodeIds, ids[j])) {
                bits |= 1 << j;
                signed += stakes[j];
                matched++;
            }
        }
        if (matched != nodeIds.length) {
            for (uint256 i = 0; i < nodeIds.length; i++) {
                if (!_contains(ids, nodeIds[i])) revert NotInActiveSet(epoch, nodeIds[i]);
            }
        }
    }

    function _requireMember(uint64 epoch, uint256 nodeId) private view {
        (uint256[] memory ids,,) = _activeSet(epoch);
        if (!_contains(ids, nodeId)) revert NotInActiveSet(epoch, nodeId);
    }

    /// @dev Staking's set in force for `epoch`; NoActiveSet when there is none or it is empty. Staking keeps
    ///      N <= 100, so entry indices fit the 256-bit signer bitmap.
    function _activeSet(uint64 epoch)
        private
        view
        returns (uint256[] memory ids, uint256[] memory stakes, uint256 total)
    {
        try staking.activeSet(epoch) returns (uint256[] memory i, uint256[] memory s, uint256 t) {
            (ids, stakes, total) = (i, s, t);
        } catch {
            revert NoActiveSet(epoch);
        }
        if (ids.length == 0 || total == 0 || ids.length > 256) revert NoActiveSet(epoch);
    }

    /// @dev A 65-byte r‖s‖v signature with low s by `nodeId`'s operator (OpenZeppelin ECDSA: malleable ones fail).
    function _signedBy(bytes32 digest, bytes calldata signature, uint256 nodeId) private view returns (bool) {
        address operator = registry.operatorOf(nodeId);
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(digest, signature);
        return err == ECDSA.RecoverError.NoError && operator != address(0) && signer == operator;
    }

    function _contains(uint256[] memory a, uint256 x) private pure returns (bool) {
        for (uint256 i = 0; i < a.length; i++) {
            if (a[i] == x) return true;
        }
        return false;
    }

    function _setSlashBps(uint256 bps) private {
        if (bps == 0 || bps > MAX_SLASH_BPS) revert InvalidParameter();
        slashBps = bps;
        emit SlashBpsSet(bps);
    }
}
