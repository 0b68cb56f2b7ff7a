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
/// snapshot); the first valid submission finalizes the epoch, within `finalizationDeadline(epoch)`. Until
/// `signatureDeadline(epoch)` anyone may add further signatures of the finalized checkpoint (`addSignatures`), so
/// that a submitter cannot leave honest signers out. When Staking's rewards are gated by this contract, the epoch's
/// inflation is paid to every recorded signer once that window closes (`settle`, which Staking's `advanceEpoch`
/// calls), or at once when every member of the set has signed.
///
/// Two signatures by one node's operator for the same epoch with different roots are evidence of equivocation:
/// anyone may submit them until `evidenceDeadline(epoch)` (the unbonding period after the epoch); the node is
/// slashed `slashBps` of the stake that backed its signature (through `Staking.slash`, which needs CONSENSUS_ROLE)
/// and the submitter gets Staking's reporter share, unless it is the node's operator or one of its delegators.
/// A node is slashed at most once per epoch. `slashBps` changes through a proposal and Staking's time lock.
///
/// Gas: `submit` reads the epoch's active set once (N <= 100 entries), then O(N log m) to match the m signers,
/// one registry read and one ecrecover per signer. Signers are stored as a bitmap over the snapshot's entries.
contract Checkpoints is AccessControl, EIP712 {
    using SafeCast for uint256;

    bytes32 public constant GOVERNANCE_ROLE = keccak256("GOVERNANCE_ROLE");
    bytes32 public constant CHECKPOINT_TYPEHASH = keccak256("Checkpoint(uint64 epoch,bytes32 cutHash,bytes32 root)");
    /// @notice Ceiling of `slashBps`: one offence takes at most half of a node's stake.
    uint256 public constant MAX_SLASH_BPS = 5_000;

    /// @notice Largest change of `slashBps` one proposal can make (5 percentage points).
    uint256 public constant MAX_SLASH_STEP_BPS = 500;
    /// @dev Staking caps its set at 100 entries; the signer bitmap has room for this many.
    uint256 private constant MAX_SET = 192;

    struct Record {
        bytes32 root;
        bytes32 cutHash;
        uint128 signedStake;
        uint128 totalStake;
        uint192 signerBits; // bit j set: entry j of the epoch's active set signed; nonzero exactly when finalized
        uint64 finalizedAt; // block time of the finalizing submission
    }

    struct SlashProposal {
        uint256 value;
        uint64 eta; // 0: nothing proposed
    }

    Staking public immutable staking;
    NodeRegistry public immutable registry;
    // Staking's schedule, immutable there too: read once instead of on every call.
    uint64 private immutable _genesisTime;
    uint64 private immutable _epochLength;
    uint64 private immutable _unbondingPeriod;

    /// @notice Share of a node's stake (bonded and unbonding) slashed for one double signature.
    uint256 public slashBps;
    SlashProposal private _slashProposal;
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
    event SignaturesAdded(uint64 indexed epoch, uint256[] nodeIds, uint256 signedStake);
    event SlashBpsSet(uint256 slashBps);
    event SlashBpsProposed(uint256 slashBps, uint64 eta);
    event SlashBpsCancelled(uint256 slashBps);

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
    error NotFinalized(uint64 epoch);
    error FinalizationClosed(uint64 epoch, uint256 deadline);
    error SignatureWindowClosed(uint64 epoch, uint256 deadline);
    error NothingToAdd(uint64 epoch);
    error EvidenceExpired(uint64 epoch, uint256 deadline);
    error StepTooLarge(uint256 current, uint256 value);
    error ChangeNotProposed(uint256 value);
    error ChangeNotReady(uint64 eta);
    error ChangeExpired(uint64 eta);
    error NothingProposed();

    constructor(Staking staking_, NodeRegistry registry_, address admin, uint256 slashBps_)
        EIP712("XMTPJ Checkpoints", "1")
    {
        if (address(staking_) == address(0) || address(registry_) == address(0) || admin == address(0)) {
            revert ZeroAddress();
        }
        if (address(staking_.registry()) != address(registry_)) revert RegistryMismatch();
        staking = staking_;
        registry = registry_;
        _genesisTime = staking_.genesisTime();
        _epochLength = staking_.epochLength();
        _unbondingPeriod = staking_.unbondingPeriod();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GOVERNANCE_ROLE, admin);
        _checkSlashBps(slashBps_);
        _setSlashBps(slashBps_);
    }

    // ================================================================ checkpoints

    /// @notice Finalizes `epoch` with `root` (and the cut it was computed at). `nodeIds` strictly ascending, each
    ///         in the active set in force for `epoch`, `signatures[i]` by node `nodeIds[i]`'s operator over
    ///         `checkpointDigest(epoch, cutHash, root)`; their snapshotted stake must be >= 2/3 of the set's total.
    ///         Anyone may submit, once per epoch, after the epoch is over and before `finalizationDeadline(epoch)`.
    ///         Rewards (gated mode) are not paid here but when the signature window closes (`settle`), unless every
    ///         member signed, or the window has already closed: then at once.
    function submit(
        uint64 epoch,
        bytes32 cutHash,
        bytes32 root,
        uint256[] calldata nodeIds,
        bytes[] calldata signatures
    ) external {
        if (nodeIds.length != signatures.length) revert LengthMismatch(nodeIds.length, signatures.length);
        if (epoch >= staking.currentEpoch()) revert EpochNotOver(epoch);
        Record storage r = _records[epoch];
        if (r.signerBits != 0) revert AlreadyFinalized(epoch);
        _checkFinalizationWindow(epoch);
        _requireAscending(nodeIds);
        (uint256 bits, uint256 signed, uint256 total, uint256 full) = _weigh(epoch, nodeIds, 0);
        if (signed * 3 < total * 2) revert QuorumNotReached(signed, total);
        _verifyNew(epoch, checkpointDigest(epoch, cutHash, root), nodeIds, signatures, 0);

        r.root = root;
        r.cutHash = cutHash;
        r.signedStake = signed.toUint128();
        r.totalStake = total.toUint128();
        r.signerBits = uint192(bits);
        r.finalizedAt = uint64(block.timestamp);
        if (finalizedCount == 0 || epoch > _lastFinalized) _lastFinalized = epoch;
        finalizedCount++;
        emit CheckpointFinalized(epoch, root, cutHash, nodeIds, signed, total);

        if (bits == full || block.timestamp >= signatureDeadline(epoch)) _settle(epoch, r);
    }

    /// @notice Adds signatures of `epoch`'s finalized checkpoint (same epoch, cut hash and root) by members of its
    ///         set that are not recorded yet, so that they are paid too: a submitter of the smallest 2/3 cannot
    ///         keep the others' reward. Anyone, until `signatureDeadline(epoch)`. `nodeIds` strictly ascending;
    ///         ids already recorded are skipped (two helpers may race), but at least one must be new
    ///         (`NothingToAdd`). Pays the epoch at once (gated mode) when it completes the set.
    function addSignatures(uint64 epoch, uint256[] calldata nodeIds, bytes[] calldata signatures) external {
        uint256 m = nodeIds.length;
        if (m != signatures.length) revert LengthMismatch(m, signatures.length);
        Record storage r = _records[epoch];
        uint256 known = r.signerBits;
        if (known == 0) revert NotFinalized(epoch);
        uint256 deadline = signatureDeadline(epoch);
        if (block.timestamp >= deadline) revert SignatureWindowClosed(epoch, deadline);
        _requireAscending(nodeIds);
        (uint256 added, uint256 addedStake,, uint256 full) = _weigh(epoch, nodeIds, known);
        if (added == 0) revert NothingToAdd(epoch);

        uint256[] memory fresh = _verifyNew(epoch, checkpointDigest(epoch, r.cutHash, r.root), nodeIds, signatures, known);
        uint256 bits = known | added;
        uint256 signed = uint256(r.signedStake) + addedStake;
        r.signerBits = uint192(bits);
        r.signedStake = signed.toUint128();
        emit SignaturesAdded(epoch, fresh, signed);

        if (bits == full) _settle(epoch, r);
    }

    /// @notice Pays `epoch`'s inflation (gated mode) to every signer recorded for its checkpoint, once the signature
    ///         window has closed (or every member signed). Anyone may call it; Staking's `advanceEpoch` does, right
    ///         before it takes the snapshot that ends the epoch's reward window. Never reverts for "nothing to do":
    ///         returns false when the epoch is not finalized, the window is still open, rewards are not gated by
    ///         this contract, or Staking can no longer (or already did) reward the epoch.
    function settle(uint64 epoch) external returns (bool) {
        Record storage r = _records[epoch];
        if (r.signerBits == 0 || block.timestamp < signatureDeadline(epoch)) return false;
        return _settle(epoch, r);
    }

    /// @notice Slashes node `nodeId` for signing two different roots for `epoch` (signatures `sigA` over
    ///         (epoch, cutA, rootA) and `sigB` over (epoch, cutB, rootB), both by its operator). The node must be in
    ///         the active set in force for `epoch` (an epoch not after the current one), not yet slashed for that
    ///         epoch, and the evidence must arrive before `evidenceDeadline(epoch)`. Anyone may submit; msg.sender
    ///         receives Staking's reporter share unless it is the node's operator or has stake bonded to the node
    ///         (then everything slashed is burned). The slash is `slashBps` of the node's current bonded and
    ///         unbonding stake, scaled down so that it never exceeds `slashBps` of the stake the node had in the
    ///         epoch's snapshot: stake bonded after the offence cannot make it larger. Returns the amount slashed.
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
        _checkEvidenceWindow(epoch);
        if (_slashed[epoch][nodeId]) revert AlreadySlashed(epoch, nodeId);
        uint256 stakeAtOffence = _memberStake(epoch, nodeId);
        if (!_signedBy(checkpointDigest(epoch, cutA, rootA), sigA, nodeId)) revert BadSignature(nodeId);
        if (!_signedBy(checkpointDigest(epoch, cutB, rootB), sigB, nodeId)) revert BadSignature(nodeId);
        _slashed[epoch][nodeId] = true;
        slashed = _slash(nodeId, stakeAtOffence);
        emit DoubleSignSlashed(epoch, nodeId, msg.sender, rootA, rootB);
    }

    // ================================================================ governance

    /// @notice Proposes `slashBps = bps` (1..MAX_SLASH_BPS, at most MAX_SLASH_STEP_BPS from the value in force),
    ///         applicable by `setSlashBps(bps)` from `eta = now + Staking.timelockDelay()` (unbonding period + 2 days:
    ///         every staker can leave before a harsher penalty applies) for Staking's EXECUTION_WINDOW. A new proposal
    ///         replaces the pending one. GOVERNANCE_ROLE.
    function proposeSlashBps(uint256 bps) external onlyRole(GOVERNANCE_ROLE) {
        _checkSlashBps(bps);
        _checkSlashStep(bps);
        uint64 eta = uint64(block.timestamp + staking.timelockDelay());
        _slashProposal = SlashProposal(bps, eta);
        emit SlashBpsProposed(bps, eta);
    }

    /// @notice Applies the matured proposal of exactly `bps` (checked again against the value in force). While
    ///         Staking is bootstrapping (nothing ever staked, so no stake can be hurt) it applies at once, within
    ///         1..MAX_SLASH_BPS. GOVERNANCE_ROLE.
    function setSlashBps(uint256 bps) external onlyRole(GOVERNANCE_ROLE) {
        _checkSlashBps(bps);
        if (!staking.bootstrapping()) {
            SlashProposal memory p = _slashProposal;
            if (p.eta == 0 || p.value != bps) revert ChangeNotProposed(bps);
            if (block.timestamp < p.eta) revert ChangeNotReady(p.eta);
            if (block.timestamp > uint256(p.eta) + staking.EXECUTION_WINDOW()) revert ChangeExpired(p.eta);
            _checkSlashStep(bps);
            delete _slashProposal;
        }
        _setSlashBps(bps);
    }

    /// @notice Drops the pending `slashBps` proposal. GOVERNANCE_ROLE.
    function cancelSlashBps() external onlyRole(GOVERNANCE_ROLE) {
        SlashProposal memory p = _slashProposal;
        if (p.eta == 0) revert NothingProposed();
        delete _slashProposal;
        emit SlashBpsCancelled(p.value);
    }

    /// @notice The pending `slashBps` proposal: its value and the earliest time it applies (eta 0: none).
    function slashProposal() external view returns (uint256 value, uint64 eta) {
        return (_slashProposal.value, _slashProposal.eta);
    }

    // ================================================================ views

    /// @notice The EIP-712 digest a node's operator signs for (epoch, cutHash, root).
    function checkpointDigest(uint64 epoch, bytes32 cutHash, bytes32 root) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(CHECKPOINT_TYPEHASH, epoch, cutHash, root)));
    }

    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @notice First second at which `epoch` can no longer be finalized: the earlier of half the unbonding period
    ///         after the epoch ends and the unbonding period after the start of the epoch whose snapshot is in force
    ///         for it. So every signer's snapshotted stake is still bonded or unbonding (slashable) when it
    ///         finalizes, also under a stale snapshot, and evidence can still reach it afterwards. Reverts
    ///         `NoActiveSet` when no snapshot is in force for `epoch`.
    function finalizationDeadline(uint64 epoch) public view returns (uint256) {
        uint256 byEpoch = _epochStart(uint256(epoch) + 1) + _unbondingPeriod / 2;
        uint64 snapshotEpoch;
        try staking.activeSetInfo(epoch) returns (uint256, uint256, uint64 s) {
            snapshotEpoch = s;
        } catch {
            revert NoActiveSet(epoch);
        }
        uint256 bySnapshot = _epochStart(snapshotEpoch) + _unbondingPeriod;
        return byEpoch < bySnapshot ? byEpoch : bySnapshot;
    }

    /// @notice First second at which no signature can be added to `epoch`'s checkpoint and its reward is paid:
    ///         half an epoch after it ends, the moment Staking's `advanceEpoch` stops waiting for it.
    function signatureDeadline(uint64 epoch) public view returns (uint256) {
        return _epochStart(uint256(epoch) + 1) + _epochLength / 2;
    }

    /// @notice First second at which evidence of a double signature in `epoch` is refused: the unbonding period after
    ///         the epoch ends. Stake bonded when the epoch ended can be withdrawn no earlier, and stake bonded later
    ///         is exposed to that offence only until then.
    function evidenceDeadline(uint64 epoch) public view returns (uint256) {
        return _epochStart(uint256(epoch) + 1) + _unbondingPeriod;
    }

    /// @notice The checkpoint of `epoch`; all zero when it is not finalized. `signedStake` includes signatures
    ///         added after the submission.
    function checkpoint(uint64 epoch)
        external
        view
        returns (bool finalized, bytes32 root, bytes32 cutHash, uint256 signedStake, uint256 totalStake)
    {
        Record storage r = _records[epoch];
        return (r.signerBits != 0, r.root, r.cutHash, r.signedStake, r.totalStake);
    }

    /// @notice Block time at which `epoch` was finalized (always before its `finalizationDeadline`); 0 if it is not.
    function finalizedAt(uint64 epoch) external view returns (uint64) {
        return _records[epoch].finalizedAt;
    }

    /// @notice The highest finalized epoch (epochs may be finalized in any order); reverts if none is.
    function lastFinalizedEpoch() external view returns (uint64) {
        if (finalizedCount == 0) revert NothingFinalized();
        return _lastFinalized;
    }

    /// @notice The node ids recorded as signers of `epoch`'s checkpoint (submitted or added), ascending; empty when
    ///         it is not finalized.
    function signers(uint64 epoch) public view returns (uint256[] memory ids) {
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

    function _epochStart(uint256 epoch) private view returns (uint256) {
        return uint256(_genesisTime) + epoch * _epochLength;
    }

    /// @dev Gated mode: credits the epoch to every recorded signer, if Staking can still reward it.
    function _settle(uint64 epoch, Record storage r) private returns (bool) {
        if (r.signerBits == 0 || staking.checkpoints() != address(this) || !staking.rewardable(epoch)) return false;
        staking.rewardSigners(epoch, signers(epoch));
        return true;
    }

    function _requireAscending(uint256[] calldata nodeIds) private pure {
        for (uint256 i = 1; i < nodeIds.length; i++) {
            if (nodeIds[i] <= nodeIds[i - 1]) revert UnsortedSigners(i);
        }
    }

    /// @dev Matches the (ascending) ids against the active set of `epoch`, skipping entries already in `known`:
    ///      the bitmap of the new entries, their stake, the set's total and the bitmap of the whole set. Reverts
    ///      unless every id is a member.
    function _weigh(uint64 epoch, uint256[] calldata nodeIds, uint256 known)
        private
        view
        returns (uint256 bits, uint256 signed, uint256 total, uint256 full)
    {
        uint256[] memory ids;
        uint256[] memory stakes;
        (ids, stakes, total) = _activeSet(epoch);
        full = (1 << ids.length) - 1;
        uint256 matched = 0;
        for (uint256 j = 0; j < ids.length; j++) {
            if (SortedIds.contains(nodeIds, ids[j])) {
                matched++;
                if (known & (1 << j) != 0) continue;
                bits |= 1 << j;
                signed += stakes[j];
            }
        }
        if (matched != nodeIds.length) {
            for (uint256 i = 0; i < nodeIds.length; i++) {
                if (!_contains(ids, nodeIds[i])) revert NotInActiveSet(epoch, nodeIds[i]);
            }
        }
    }

    /// @dev Checks the signatures of the ids not in `known` (members, as `_weigh` has checked) and returns those ids.
    function _verifyNew(
        uint64 epoch,
        bytes32 digest,
        uint256[] calldata nodeIds,
        bytes[] calldata signatures,
        uint256 known
    ) private view returns (uint256[] memory fresh) {
        // A first submission (nothing known) needs no set lookup: every id is new.
        uint256[] memory ids;
        if (known != 0) (ids,,) = _activeSet(epoch);
        fresh = new uint256[](nodeIds.length);
        uint256 k = 0;
        for (uint256 i = 0; i < nodeIds.length; i++) {
            if (known != 0 && known & (1 << _indexOf(ids, nodeIds[i])) != 0) continue; // recorded: not checked again
            if (!_signedBy(digest, signatures[i], nodeIds[i])) revert BadSignature(nodeIds[i]);
            fresh[k++] = nodeIds[i];
        }
        assembly ("memory-safe") {
            mstore(fresh, k)
        }
    }

    /// @dev The stake `nodeId` has in the set in force for `epoch`; NotInActiveSet unless it is a member.
    function _memberStake(uint64 epoch, uint256 nodeId) private view returns (uint256) {
        (uint256[] memory ids, uint256[] memory stakes,) = _activeSet(epoch);
        for (uint256 j = 0; j < ids.length; j++) {
            if (ids[j] == nodeId) return stakes[j];
        }
        revert NotInActiveSet(epoch, nodeId);
    }

    function _checkFinalizationWindow(uint64 epoch) private view {
        uint256 deadline = finalizationDeadline(epoch);
        if (block.timestamp >= deadline) revert FinalizationClosed(epoch, deadline);
    }

    function _checkEvidenceWindow(uint64 epoch) private view {
        if (epoch > staking.currentEpoch()) revert EpochNotStarted(epoch);
        uint256 deadline = evidenceDeadline(epoch);
        if (block.timestamp >= deadline) revert EvidenceExpired(epoch, deadline);
    }

    /// @dev Slashes `nodeId` (capped by its stake at the offence). The node's own operator or delegators would get
    ///      part of their own slash back as reporters: for them the reporter share is burned with the rest.
    function _slash(uint256 nodeId, uint256 stakeAtOffence) private returns (uint256) {
        address reporter = msg.sender;
        if (reporter == registry.operatorOf(nodeId) || staking.stakeOf(reporter, nodeId) != 0) reporter = address(0);
        return staking.slash(nodeId, _cappedBps(nodeId, stakeAtOffence), reporter);
    }

    /// @dev `slashBps`, scaled down by stakeAtOffence / stake-now when the node holds more stake now (bonded plus
    ///      unbonding) than backed its signature, so that the tokens taken never exceed slashBps of the stake at the
    ///      offence. At least 1 bps (Staking's minimum): the excess over the cap is then below 0.01% of the stake now.
    function _cappedBps(uint256 nodeId, uint256 stakeAtOffence) private view returns (uint256) {
        (uint256 bonded,, uint256 unbonding,,) = staking.poolOf(nodeId);
        uint256 atRisk = bonded + unbonding;
        uint256 bps = slashBps;
        if (atRisk <= stakeAtOffence) return bps;
        bps = (bps * stakeAtOffence) / atRisk;
        return bps == 0 ? 1 : bps;
    }

    /// @dev Staking's set in force for `epoch`; NoActiveSet when there is none or it is empty. Staking keeps
    ///      N <= 100, so entry indices fit the signer bitmap.
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
        if (ids.length == 0 || total == 0 || ids.length > MAX_SET) revert NoActiveSet(epoch);
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

    /// @dev Index of a member (the caller has checked membership).
    function _indexOf(uint256[] memory a, uint256 x) private pure returns (uint256) {
        for (uint256 i = 0; i < a.length; i++) {
            if (a[i] == x) return i;
        }
        revert NotInActiveSet(0, x);
    }

    function _checkSlashBps(uint256 bps) private pure {
        if (bps == 0 || bps > MAX_SLASH_BPS) revert InvalidParameter();
    }

    function _checkSlashStep(uint256 bps) private view {
        uint256 current = slashBps;
        uint256 diff = bps > current ? bps - current : current - bps;
        if (diff > MAX_SLASH_STEP_BPS) revert StepTooLarge(current, bps);
    }

    function _setSlashBps(uint256 bps) private {
        slashBps = bps;
        emit SlashBpsSet(bps);
    }
}
