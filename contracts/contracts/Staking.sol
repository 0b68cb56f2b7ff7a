// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Token} from "./Token.sol";
import {NodeRegistry} from "./NodeRegistry.sol";
import {SortedIds} from "./SortedIds.sol";

/// @notice What Staking needs of the contract that gates its rewards: paying an epoch whose signature window closed.
interface IRewardSettlement {
    /// @dev Credits `epoch` to its checkpoint's signers through `rewardSigners` if it can; never reverts for
    ///      "nothing to do".
    function settle(uint64 epoch) external returns (bool);
}

/// @title Staking
/// @notice Delegated proof of stake for the nodes of NodeRegistry.
///
/// Stake. Every node has a bonded pool of tokens divided into shares. A position (delegator, node) holds shares;
/// its value is `shares * pool.stake / pool.shares`. The operator's own position is the node's self-stake, and
/// a node is eligible for the active set only while its self-stake is at least `minSelfStake`. Slashing lowers
/// `pool.stake` and leaves shares alone, so every position of the node loses the same fraction in O(1).
/// Undelegated tokens move into the node's unbonding pool (also share based, so also slashable in O(1)) and can
/// be withdrawn `unbondingPeriod` seconds later. Withdrawal is per unbonding id: constant gas.
///
/// Epochs. `currentEpoch() = (now - genesisTime) / epochLength`. Anyone may call `advanceEpoch()` once per epoch
/// (the node software does, at each epoch start); it pays the rewards of the previous snapshot and takes the new
/// snapshot: the top `maxActiveNodes` eligible candidates by total bonded stake, ties broken by lower node id.
/// The active set in force for epoch e is the latest snapshot taken at an epoch <= e (`activeSet(e)`); an epoch
/// in which nobody advanced keeps the previous set.
///
/// Rewards. Each advance mints nothing; it credits `supplyBase * inflationRateBps / 10000 * elapsed / 1 year`
/// (supplyBase = token supply plus credited-but-unclaimed rewards) to the nodes of the previous snapshot, split by
/// their snapshotted stake. Of a node's share, the snapshotted commission goes to the operator and the rest to the
/// node's reward-bearing shares through a cumulative reward-per-share accumulator. Claims mint through Token (this
/// contract holds MINTER_ROLE), so this contract's token balance always equals bonded + unbonding stake exactly.
/// Shares delegated after a snapshot start earning at the next snapshot (so a just-in-time delegation cannot take
/// part of a reward it did not stake for); undelegated shares stop earning at once.
/// Gated mode (once governance binds a Checkpoints contract): `advanceEpoch` credits nothing; the Checkpoints
/// contract pays each finalized epoch's inflation to the nodes that signed it (`rewardSigners`), before the next
/// snapshot is taken. The default is ungated.
///
/// Consensus and governance. No role can move or take stake without evidence verified on chain, and every change
/// governance makes is bounded and time-locked:
/// - Only the consensus contract (`consensus`, holder of CONSENSUS_ROLE) can `slash` and `rewardSigners`.
///   CONSENSUS_ROLE is never granted, revoked or renounced through AccessControl (`ConsensusRoleLocked`): it is
///   bound exactly once, to a contract, by `bindConsensus`, and can never be removed or replaced.
/// - GOVERNANCE_ROLE changes `maxActiveNodes`, `inflationRateBps`, `minSelfStake`, `reporterRewardBps`, and binds
///   the consensus and the gated mode, in two steps: `propose(parameter, value)`, then, from `timelockDelay()`
///   (= unbondingPeriod + TIMELOCK_MARGIN) later and for EXECUTION_WINDOW, the parameter's own function with the same
///   value (`setMaxActiveNodes`, ..., `bindConsensus`, `bindCheckpoints`). The delay lets every staker see the
///   proposal, unbond and withdraw before the change applies. `cancel(parameter)` drops a proposal. Each change is
///   bounded in step (see `propose`); `reporterRewardBps` never exceeds MAX_REPORTER_REWARD_BPS (10%).
/// - Bootstrap: while `bootstrapping()` (nothing was ever delegated: the deployment), those functions apply at once,
///   within the absolute bounds only (no step bound, no proposal). The first delegation ends bootstrap for good.
///   So a delegation sent during bootstrap accepts whatever is in force when it is mined: check `consensus` first.
///
/// Gas bounds. `maxActiveNodes <= MAX_ACTIVE_NODES (100)`; the candidate list (nodes with enough self-stake)
/// holds at most `maxCandidates <= MAX_CANDIDATES (200)`. `advanceEpoch` loops over the candidates once and over
/// the previous active set once; `claimCandidacy` on a full list scans it once. Every other function is O(1).
contract Staking is AccessControl {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    bytes32 public constant GOVERNANCE_ROLE = keccak256("GOVERNANCE_ROLE");
    /// @notice Held only by `consensus` (the Checkpoints contract), the only caller of `slash` and `rewardSigners`.
    ///         Bound once by `bindConsensus`; never granted, revoked or renounced otherwise (`ConsensusRoleLocked`).
    bytes32 public constant CONSENSUS_ROLE = keccak256("CONSENSUS_ROLE");

    uint256 public constant BPS = 10_000;
    uint256 public constant MAX_ACTIVE_NODES = 100;
    /// @notice Ceiling of `maxCandidates`.
    uint256 public constant MAX_CANDIDATES = 200;
    /// @notice Ceiling of `inflationRateBps` (20% a year).
    uint256 public constant MAX_INFLATION_BPS = 2_000;
    /// @notice Ceiling of one slash. Below 100% so that a pool never reaches zero stake with live shares.
    uint256 public constant MAX_SLASH_BPS = 9_999;
    /// @notice Ceiling of `reporterRewardBps` (10% of a slash): a reporter never takes most of a slash.
    uint256 public constant MAX_REPORTER_REWARD_BPS = 1_000;
    /// @notice Largest change of `inflationRateBps` one proposal can make (1 percentage point a year).
    uint256 public constant MAX_INFLATION_STEP_BPS = 100;
    /// @notice Largest change of `reporterRewardBps` one proposal can make.
    uint256 public constant MAX_REPORTER_REWARD_STEP_BPS = 500;
    /// @notice Added to `unbondingPeriod` to make `timelockDelay()`: the time to notice a proposal and start unbonding.
    uint256 public constant TIMELOCK_MARGIN = 2 days;
    /// @notice How long a proposal can be applied once its delay has passed; after that it must be proposed again.
    uint256 public constant EXECUTION_WINDOW = 7 days;
    uint256 public constant YEAR = 365 days;
    uint256 private constant ACC = 1e18;

    struct Pool {
        uint256 stake; // bonded tokens, the value of all `shares`
        uint256 shares; // all bonded shares = rewardShares + pendingShares
        uint256 rewardShares; // shares that earn rewards
        uint256 pendingShares; // shares that start earning once a snapshot has been taken after `pendingTag`
        uint256 accRewardPerShare; // scaled by 1e18
        uint256 unbondingStake; // tokens in the unbonding pool
        uint256 unbondingShares;
        uint256 commissionOwed; // credited to the operator, not yet claimed
        address operator; // cached from the registry at the first delegation (a node's operator never changes)
        uint64 pendingTag; // snapshot count when pendingShares were added
    }

    struct Position {
        uint256 activeShares;
        uint256 pendingShares;
        uint64 pendingTag;
        uint256 rewardDebt; // activeShares * accRewardPerShare / 1e18 at the last sync
        uint256 rewardsOwed; // credited, not yet claimed
    }

    struct Unbonding {
        address owner;
        uint64 releaseTime;
        uint256 nodeId;
        uint256 shares; // of the node's unbonding pool
    }

    /// @notice What a governance proposal changes (`propose`). Consensus and Checkpoints take an address as uint256.
    enum Parameter {
        MaxActiveNodes,
        InflationRate,
        MinSelfStake,
        ReporterReward,
        Consensus,
        Checkpoints
    }

    struct Proposal {
        uint256 value;
        uint64 eta; // earliest time the change can be applied; 0: nothing proposed
    }

    struct Snapshot {
        uint64 epoch;
        uint256 totalStake;
        // packed: nodeId << 160 | commissionBps << 128 | stake (uint128)
        uint256[] entries;
    }

    Token public immutable token;
    NodeRegistry public immutable registry;
    uint64 public immutable genesisTime;
    uint64 public immutable epochLength;
    uint64 public immutable unbondingPeriod;
    /// @notice Size limit of the candidate list (set at deploy, at most MAX_CANDIDATES).
    uint256 public immutable maxCandidates;

    uint256 public maxActiveNodes;
    uint256 public inflationRateBps;
    uint256 public minSelfStake;
    /// @notice Share of a slash sent to the reporter (the rest is burned).
    uint256 public reporterRewardBps;

    uint256 public totalBonded;
    uint256 public totalUnbonding;
    uint256 public rewardsCredited;
    uint256 public rewardsClaimed;

    mapping(uint256 nodeId => Pool) private _pools;
    mapping(address delegator => mapping(uint256 nodeId => Position)) private _positions;
    mapping(uint256 nodeId => mapping(uint256 tag => uint256 acc)) private _activationAcc;
    mapping(uint256 unbondingId => Unbonding) private _unbondings;
    uint256 public unbondingCount;

    uint256[] private _candidates;
    mapping(uint256 nodeId => uint256 indexPlusOne) private _candidateIndex;

    Snapshot[] private _snapshots;

    /// @notice The Checkpoints contract bound by governance (zero: rewards are not gated, `advanceEpoch` pays them).
    address public checkpoints;
    /// @notice Epochs whose inflation `rewardSigners` has credited (gated mode only).
    mapping(uint64 epoch => bool) public epochRewarded;

    /// @notice The consensus contract, sole holder of CONSENSUS_ROLE (zero until `bindConsensus`; then fixed forever).
    address public consensus;
    /// @notice The pending proposal of each parameter: its value and the earliest time it applies (eta 0: none).
    mapping(Parameter parameter => Proposal) public proposals;

    // ---------------------------------------------------------------- events

    event Delegated(address indexed delegator, uint256 indexed nodeId, uint256 amount, uint256 shares);
    event UnbondingStarted(
        address indexed delegator,
        uint256 indexed nodeId,
        uint256 indexed unbondingId,
        uint256 amount,
        uint64 releaseTime
    );
    event Withdrawn(address indexed delegator, uint256 indexed nodeId, uint256 indexed unbondingId, uint256 amount);
    event RewardsClaimed(address indexed delegator, uint256 indexed nodeId, uint256 amount);
    event CommissionClaimed(uint256 indexed nodeId, address indexed operator, uint256 amount);
    event Slashed(
        uint256 indexed nodeId,
        uint256 bps,
        uint256 bondedAmount,
        uint256 unbondingAmount,
        uint256 burned,
        address indexed reporter,
        uint256 reporterReward
    );
    event EpochSnapshotted(uint64 indexed epoch, uint256[] nodeIds, uint256[] stakes, uint256 totalStake);
    event RewardsDistributed(uint64 indexed snapshotEpoch, uint64 epochs, uint256 amount);
    event NodeRewarded(uint256 indexed nodeId, uint64 indexed snapshotEpoch, uint256 commission, uint256 delegatorRewards);
    event CandidateAdded(uint256 indexed nodeId);
    event CandidateRemoved(uint256 indexed nodeId);
    event MaxActiveNodesSet(uint256 maxActiveNodes);
    event InflationRateSet(uint256 inflationRateBps);
    event MinSelfStakeSet(uint256 minSelfStake);
    event ReporterRewardSet(uint256 reporterRewardBps);
    event CheckpointsBound(address indexed checkpoints);
    event ConsensusBound(address indexed consensus);
    event ChangeProposed(Parameter indexed parameter, uint256 value, uint64 eta);
    event ChangeCancelled(Parameter indexed parameter, uint256 value);
    event SignersRewarded(uint64 indexed epoch, uint64 indexed snapshotEpoch, uint256 signers, uint256 amount);

    // ---------------------------------------------------------------- errors

    error ZeroAddress();
    error InvalidParameter();
    error ZeroAmount();
    error NodeNotRegistered(uint256 nodeId);
    error UnknownNode(uint256 nodeId);
    error InsufficientStake(uint256 requested, uint256 available);
    error NotUnbondingOwner(uint256 unbondingId);
    error UnbondingNotMatured(uint256 unbondingId, uint64 releaseTime);
    error NothingToClaim();
    error NotOperator(uint256 nodeId);
    error InvalidSlash(uint256 bps);
    error EpochAlreadySnapshotted(uint64 epoch);
    error NoSnapshot(uint64 epoch);
    error IndexOutOfRange(uint256 index);
    error NotEligible(uint256 nodeId);
    error AlreadyCandidate(uint256 nodeId);
    error WeakerThanAllCandidates(uint256 nodeId);
    error CheckpointsAlreadyBound(address checkpoints);
    error NotRewardable(uint64 epoch);
    error CheckpointPending(uint64 epoch, uint256 waitUntil);
    error ConsensusRoleLocked();
    error ConsensusAlreadyBound(address consensus);
    error NotAContract(address account);
    error NotConsensus(address account);
    error StepTooLarge(Parameter parameter, uint256 current, uint256 value);
    error ChangeNotProposed(Parameter parameter, uint256 value);
    error ChangeNotReady(Parameter parameter, uint64 eta);
    error ChangeExpired(Parameter parameter, uint64 eta);
    error NothingProposed(Parameter parameter);

    struct Params {
        uint64 genesisTime; // 0 = the deploy block's timestamp
        uint64 epochLength; // seconds
        uint64 unbondingPeriod; // seconds
        uint256 maxActiveNodes;
        uint256 inflationRateBps;
        uint256 minSelfStake;
        uint256 reporterRewardBps;
        uint256 maxCandidates; // 0 = MAX_CANDIDATES
    }

    constructor(Token token_, NodeRegistry registry_, address admin, Params memory p) {
        if (address(token_) == address(0) || address(registry_) == address(0) || admin == address(0)) {
            revert ZeroAddress();
        }
        uint64 genesis = p.genesisTime == 0 ? uint64(block.timestamp) : p.genesisTime;
        uint256 candidateCap = p.maxCandidates == 0 ? MAX_CANDIDATES : p.maxCandidates;
        if (genesis > block.timestamp || p.epochLength == 0 || candidateCap > MAX_CANDIDATES) {
            revert InvalidParameter();
        }
        maxCandidates = candidateCap;
        token = token_;
        registry = registry_;
        genesisTime = genesis;
        epochLength = p.epochLength;
        unbondingPeriod = p.unbondingPeriod;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GOVERNANCE_ROLE, admin);
        _checkChange(Parameter.MaxActiveNodes, p.maxActiveNodes, false);
        _apply(Parameter.MaxActiveNodes, p.maxActiveNodes);
        _checkChange(Parameter.InflationRate, p.inflationRateBps, false);
        _apply(Parameter.InflationRate, p.inflationRateBps);
        _checkChange(Parameter.MinSelfStake, p.minSelfStake, false);
        _apply(Parameter.MinSelfStake, p.minSelfStake);
        _checkChange(Parameter.ReporterReward, p.reporterRewardBps, false);
        _apply(Parameter.ReporterReward, p.reporterRewardBps);
    }

    // ================================================================ staking

    /// @notice Bonds `amount` tokens (pulled from msg.sender; approve first) to `nodeId`. When msg.sender is the
    ///         node's operator this is self-stake. The new shares earn rewards from the next snapshot on.
    function delegate(uint256 nodeId, uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        if (!registry.isRegistered(nodeId)) revert NodeNotRegistered(nodeId);
        Pool storage pool = _pools[nodeId];
        Position storage pos = _positions[msg.sender][nodeId];
        if (pool.operator == address(0)) pool.operator = registry.operatorOf(nodeId);
        _syncPool(nodeId, pool);
        _syncPosition(nodeId, pool, pos);

        // Shares per token never drop below 1 (they start 1:1, slashing raises the ratio, and undelegation burns
        // rounded up from a ratio >= 1 keeps it >= 1), so `shares >= amount > 0`; and a pool has zero shares
        // exactly when it has zero stake.
        uint256 shares = pool.shares == 0 ? amount : (amount * pool.shares) / pool.stake;
        uint64 tag = uint64(_snapshots.length);
        pool.stake += amount;
        pool.shares += shares;
        pool.pendingShares += shares;
        pool.pendingTag = tag;
        pos.pendingShares += shares;
        pos.pendingTag = tag;
        totalBonded += amount;

        IERC20(address(token)).safeTransferFrom(msg.sender, address(this), amount);
        emit Delegated(msg.sender, nodeId, amount, shares);
        _refreshCandidacy(nodeId, true);
    }

    /// @notice Starts unbonding `amount` tokens of msg.sender's stake in `nodeId`. They stop earning at once and
    ///         can be withdrawn with `withdraw(unbondingId)` after `unbondingPeriod`; until then they can be slashed.
    ///         Pass exactly `stakeOf(msg.sender, nodeId)` to leave the node completely.
    function undelegate(uint256 nodeId, uint256 amount) external returns (uint256 unbondingId) {
        if (amount == 0) revert ZeroAmount();
        Pool storage pool = _pools[nodeId];
        Position storage pos = _positions[msg.sender][nodeId];
        _syncPool(nodeId, pool);
        _syncPosition(nodeId, pool, pos);

        uint256 held = pos.activeShares + pos.pendingShares;
        uint256 value = held == 0 ? 0 : (held * pool.stake) / pool.shares;
        if (amount > value) revert InsufficientStake(amount, value);
        uint256 burn = amount == value ? held : _ceilDiv(amount * pool.shares, pool.stake);

        uint256 fromPending = burn < pos.pendingShares ? burn : pos.pendingShares;
        uint256 fromActive = burn - fromPending;
        pos.pendingShares -= fromPending;
        pool.pendingShares -= fromPending;
        pos.activeShares -= fromActive;
        pool.rewardShares -= fromActive;
        pos.rewardDebt = (pos.activeShares * pool.accRewardPerShare) / ACC;
        pool.shares -= burn;
        pool.stake -= amount;
        totalBonded -= amount;

        uint256 ushares =
            pool.unbondingShares == 0 ? amount : (amount * pool.unbondingShares) / pool.unbondingStake;
        pool.unbondingShares += ushares;
        pool.unbondingStake += amount;
        totalUnbonding += amount;

        unbondingId = ++unbondingCount;
        uint64 releaseTime = uint64(block.timestamp) + unbondingPeriod;
        _unbondings[unbondingId] = Unbonding(msg.sender, releaseTime, nodeId, ushares);
        emit UnbondingStarted(msg.sender, nodeId, unbondingId, amount, releaseTime);
        _refreshCandidacy(nodeId, false);
    }

    /// @notice Pays out a matured unbonding entry (its value after any slashing) to its owner.
    function withdraw(uint256 unbondingId) external returns (uint256 amount) {
        Unbonding memory u = _unbondings[unbondingId];
        if (u.owner != msg.sender) revert NotUnbondingOwner(unbondingId);
        if (block.timestamp < u.releaseTime) revert UnbondingNotMatured(unbondingId, u.releaseTime);
        Pool storage pool = _pools[u.nodeId];
        amount = (u.shares * pool.unbondingStake) / pool.unbondingShares;
        pool.unbondingShares -= u.shares;
        pool.unbondingStake -= amount;
        totalUnbonding -= amount;
        delete _unbondings[unbondingId];
        if (amount > 0) IERC20(address(token)).safeTransfer(msg.sender, amount);
        emit Withdrawn(msg.sender, u.nodeId, unbondingId, amount);
    }

    /// @notice Mints msg.sender's credited rewards from `nodeId`. Constant gas.
    function claimRewards(uint256 nodeId) external returns (uint256 amount) {
        Pool storage pool = _pools[nodeId];
        Position storage pos = _positions[msg.sender][nodeId];
        _syncPool(nodeId, pool);
        _syncPosition(nodeId, pool, pos);
        amount = pos.rewardsOwed;
        if (amount == 0) revert NothingToClaim();
        pos.rewardsOwed = 0;
        rewardsClaimed += amount;
        token.mint(msg.sender, amount);
        emit RewardsClaimed(msg.sender, nodeId, amount);
    }

    /// @notice Mints the commission credited to `nodeId` to its operator (also after deregistration).
    function claimCommission(uint256 nodeId) external returns (uint256 amount) {
        if (registry.operatorOf(nodeId) != msg.sender) revert NotOperator(nodeId);
        Pool storage pool = _pools[nodeId];
        amount = pool.commissionOwed;
        if (amount == 0) revert NothingToClaim();
        pool.commissionOwed = 0;
        rewardsClaimed += amount;
        token.mint(msg.sender, amount);
        emit CommissionClaimed(nodeId, msg.sender, amount);
    }

    // ================================================================ consensus hook

    /// @notice Slashes `bps` of everything staked on `nodeId`: its bonded pool (self-stake and delegations alike)
    ///         and its unbonding pool (every unbonding entry not yet withdrawn). `reporterRewardBps` of the slashed
    ///         tokens go to `reporter` (none if it is the zero address); the rest is burned. Only CONSENSUS_ROLE,
    ///         i.e. the bound `consensus` contract, which slashes only on evidence it verifies.
    ///         The snapshot of the current epoch is not changed; the lower stake counts from the next snapshot.
    function slash(uint256 nodeId, uint256 bps, address reporter)
        external
        onlyRole(CONSENSUS_ROLE)
        returns (uint256 slashed)
    {
        if (bps == 0 || bps > MAX_SLASH_BPS) revert InvalidSlash(bps);
        if (registry.operatorOf(nodeId) == address(0)) revert UnknownNode(nodeId);
        Pool storage pool = _pools[nodeId];
        uint256 bonded = (pool.stake * bps) / BPS;
        uint256 unbonding = (pool.unbondingStake * bps) / BPS;
        pool.stake -= bonded;
        pool.unbondingStake -= unbonding;
        totalBonded -= bonded;
        totalUnbonding -= unbonding;
        slashed = bonded + unbonding;
        uint256 toReporter = reporter == address(0) ? 0 : (slashed * reporterRewardBps) / BPS;
        uint256 burned = slashed - toReporter;
        if (burned > 0) token.burn(burned);
        if (toReporter > 0) IERC20(address(token)).safeTransfer(reporter, toReporter);
        emit Slashed(nodeId, bps, bonded, unbonding, burned, reporter, toReporter);
    }

    // ================================================================ epochs

    function currentEpoch() public view returns (uint64) {
        return uint64((block.timestamp - genesisTime) / epochLength);
    }

    /// @notice Timestamp at which `epoch` starts.
    function epochStart(uint64 epoch) external view returns (uint256) {
        return uint256(genesisTime) + uint256(epoch) * epochLength;
    }

    /// @notice Credits the rewards of the previous snapshot's period and snapshots the active set of the current
    ///         epoch. Anyone may call it, once per epoch. Gas: O(candidates + previous active set).
    ///         Gated mode (`checkpoints` bound): credits nothing itself, and during the first half of the epoch
    ///         waits for the previous epoch's reward (`CheckpointPending`), because an epoch can only be rewarded
    ///         until the next snapshot is taken (see `rewardable`). The reward is paid when every member signed or,
    ///         at half the epoch, by this call through `checkpoints.settle(previous epoch)`, to every signature the
    ///         checkpoint gathered by then.
    function advanceEpoch() external {
        uint64 epoch = currentEpoch();
        uint256 count = _snapshots.length;
        if (count > 0) {
            uint64 last = _snapshots[count - 1].epoch;
            if (last >= epoch) revert EpochAlreadySnapshotted(epoch);
            if (checkpoints == address(0)) {
                _distribute(count - 1, epoch - last);
            } else if (!epochRewarded[epoch - 1] && _snapshots[count - 1].totalStake != 0) {
                uint256 waitUntil = uint256(genesisTime) + uint256(epoch) * epochLength + epochLength / 2;
                if (block.timestamp < waitUntil) revert CheckpointPending(epoch - 1, waitUntil);
                // The checkpoint's signature window closes at waitUntil too: pay everyone who signed the previous
                // epoch now, since the snapshot below ends that epoch's reward window. A direct call, not
                // try/catch: a caller must not be able to starve it of gas and still take the snapshot.
                IRewardSettlement(checkpoints).settle(epoch - 1);
            }
        }
        _takeSnapshot(epoch);
    }

    // ================================================================ rewards gated by checkpoints

    /// @notice Gated mode: from now on `advanceEpoch` credits no rewards; each finished epoch is paid by
    ///         `rewardSigners` to the nodes that signed its checkpoint. GOVERNANCE_ROLE, once, irreversible, and only
    ///         to the bound `consensus` (`NotConsensus`). Immediate while `bootstrapping()`; otherwise it applies the
    ///         matured proposal `propose(Parameter.Checkpoints, checkpoints_)`.
    ///         Epochs not yet paid when binding (those from the latest snapshot on) become gated.
    function bindCheckpoints(address checkpoints_) external {
        _change(Parameter.Checkpoints, uint160(checkpoints_));
    }

    /// @notice Whether `rewardSigners(epoch, …)` would credit: gated mode, `epoch` is over, not rewarded yet, and
    ///         no snapshot has been taken after it (so every share that earns now was bonded before the snapshot
    ///         in force for `epoch`: no stake bonded later can take part of its reward).
    function rewardable(uint64 epoch) public view returns (bool) {
        uint256 count = _snapshots.length;
        return checkpoints != address(0) && epoch < currentEpoch() && !epochRewarded[epoch] && count > 0
            && _snapshots[0].epoch <= epoch && _snapshots[count - 1].epoch <= epoch;
    }

    /// @notice Credits one epoch's inflation (the `advanceEpoch` formula for one epoch, over the snapshot in force
    ///         for `epoch`) pro rata to snapshotted stake, split by the snapshotted commission, to the nodes of
    ///         that snapshot listed in `signerIds` (ascending ids; others are ignored, each node is paid at most
    ///         once). The non-signers' part is not issued. CONSENSUS_ROLE only; at most once per epoch.
    function rewardSigners(uint64 epoch, uint256[] calldata signerIds)
        external
        onlyRole(CONSENSUS_ROLE)
        returns (uint256 credited)
    {
        if (!rewardable(epoch)) revert NotRewardable(epoch);
        epochRewarded[epoch] = true;
        Snapshot storage s = _snapshots[_snapshots.length - 1];
        uint256 total = s.totalStake;
        uint256 paid = 0;
        if (total != 0 && inflationRateBps != 0) {
            uint256 reward = _inflation(1);
            for (uint256 i = 0; i < s.entries.length; i++) {
                if (SortedIds.contains(signerIds, s.entries[i] >> 160)) {
                    credited += _creditNode(s, i, reward, total);
                    paid++;
                }
            }
            rewardsCredited += credited;
        }
        emit SignersRewarded(epoch, s.epoch, paid, credited);
    }

    // ================================================================ candidacy

    /// @notice Puts an eligible node on a full candidate list by evicting the weakest candidate (lowest total
    ///         stake, ties: higher id), if `nodeId` is stronger. On a list with room it just adds the node.
    ///         Gas: O(maxCandidates) when the list is full.
    function claimCandidacy(uint256 nodeId) external {
        if (_candidateIndex[nodeId] != 0) revert AlreadyCandidate(nodeId);
        if (!_eligible(nodeId)) revert NotEligible(nodeId);
        if (_candidates.length >= maxCandidates) {
            uint256 weakestPos = 0;
            uint256 weakestKey = type(uint256).max;
            for (uint256 i = 0; i < _candidates.length; i++) {
                uint256 k = _rankKey(_candidates[i]);
                if (k < weakestKey) {
                    weakestKey = k;
                    weakestPos = i;
                }
            }
            if (_rankKey(nodeId) <= weakestKey) revert WeakerThanAllCandidates(nodeId);
            _removeCandidate(_candidates[weakestPos]);
        }
        _addCandidate(nodeId);
    }

    // ================================================================ governance

    /// @notice Proposes setting `parameter` to `value` (Consensus, Checkpoints: an address as uint256), applicable
    ///         from `eta = now + timelockDelay()` until `eta + EXECUTION_WINDOW`, by the parameter's own function
    ///         called with the same value. GOVERNANCE_ROLE. A new proposal replaces the parameter's pending one.
    ///         Bounds, checked here and again when the change is applied (against the value in force then):
    ///         maxActiveNodes 1..MAX_ACTIVE_NODES, at most doubled or halved; inflationRateBps 0..MAX_INFLATION_BPS,
    ///         +-MAX_INFLATION_STEP_BPS; minSelfStake > 0, at most doubled or halved; reporterRewardBps
    ///         0..MAX_REPORTER_REWARD_BPS, +-MAX_REPORTER_REWARD_STEP_BPS; Consensus: a contract, none bound yet;
    ///         Checkpoints: the bound consensus, gated mode not on yet.
    function propose(Parameter parameter, uint256 value) external onlyRole(GOVERNANCE_ROLE) {
        _checkChange(parameter, value, true);
        uint64 eta = uint64(block.timestamp + timelockDelay());
        proposals[parameter] = Proposal(value, eta);
        emit ChangeProposed(parameter, value, eta);
    }

    /// @notice Drops the pending proposal of `parameter`. GOVERNANCE_ROLE.
    function cancel(Parameter parameter) external onlyRole(GOVERNANCE_ROLE) {
        Proposal memory p = proposals[parameter];
        if (p.eta == 0) revert NothingProposed(parameter);
        delete proposals[parameter];
        emit ChangeCancelled(parameter, p.value);
    }

    /// @notice Binds CONSENSUS_ROLE, once and for good, to the contract `consensus_` (the Checkpoints contract): from
    ///         then on it alone can `slash` and `rewardSigners`. GOVERNANCE_ROLE. Immediate while `bootstrapping()`
    ///         (the deployment, before anyone delegates); otherwise it applies the matured proposal
    ///         `propose(Parameter.Consensus, consensus_)`, at least unbondingPeriod + TIMELOCK_MARGIN after it, so that
    ///         every staker could withdraw before a new slasher takes effect.
    function bindConsensus(address consensus_) external {
        _change(Parameter.Consensus, uint160(consensus_));
    }

    /// @notice Sets `maxActiveNodes` (effective from the next snapshot). GOVERNANCE_ROLE; immediate while
    ///         `bootstrapping()`, otherwise it applies the matured proposal of exactly `n` (see `propose`).
    function setMaxActiveNodes(uint256 n) external {
        _change(Parameter.MaxActiveNodes, n);
    }

    /// @notice Sets `inflationRateBps`. GOVERNANCE_ROLE; immediate while `bootstrapping()`, else via `propose`.
    function setInflationRate(uint256 bps) external {
        _change(Parameter.InflationRate, bps);
    }

    /// @notice Sets `minSelfStake`. GOVERNANCE_ROLE; immediate while `bootstrapping()`, else via `propose`.
    function setMinSelfStake(uint256 amount) external {
        _change(Parameter.MinSelfStake, amount);
    }

    /// @notice Sets `reporterRewardBps` (<= MAX_REPORTER_REWARD_BPS). GOVERNANCE_ROLE; immediate while
    ///         `bootstrapping()`, else via `propose`.
    function setReporterReward(uint256 bps) external {
        _change(Parameter.ReporterReward, bps);
    }

    /// @notice Whether nothing was ever delegated (the deployment): governance changes then apply at once. Any
    ///         delegation ends it for good (leaving needs an undelegation, which `unbondingCount` counts, and a slash
    ///         never empties a pool).
    function bootstrapping() public view returns (bool) {
        return totalBonded == 0 && unbondingCount == 0;
    }

    /// @notice Delay between a proposal and its earliest application: `unbondingPeriod + TIMELOCK_MARGIN`.
    function timelockDelay() public view returns (uint256) {
        return uint256(unbondingPeriod) + TIMELOCK_MARGIN;
    }

    // ================================================================ views

    /// @notice The active set in force for `epoch`: nodes ordered by stake (descending, ties by lower id), their
    ///         snapshotted stakes and the total. Reverts if no snapshot was taken at or before `epoch`.
    function activeSet(uint64 epoch)
        external
        view
        returns (uint256[] memory nodeIds, uint256[] memory stakes, uint256 totalStake)
    {
        Snapshot storage s = _snapshots[_snapshotIndexFor(epoch)];
        uint256 n = s.entries.length;
        nodeIds = new uint256[](n);
        stakes = new uint256[](n);
        for (uint256 i = 0; i < n; i++) {
            (nodeIds[i], stakes[i],) = _unpack(s.entries[i]);
        }
        totalStake = s.totalStake;
    }

    /// @notice One entry of `activeSet(epoch)`, for contracts that verify signers by index (O(1)).
    function activeSetEntry(uint64 epoch, uint256 index)
        external
        view
        returns (uint256 nodeId, uint256 stake, uint256 commissionBps)
    {
        Snapshot storage s = _snapshots[_snapshotIndexFor(epoch)];
        if (index >= s.entries.length) revert IndexOutOfRange(index);
        return _unpack(s.entries[index]);
    }

    /// @notice Size and total stake of `activeSet(epoch)`, and the epoch at which that snapshot was taken.
    function activeSetInfo(uint64 epoch) external view returns (uint256 size, uint256 totalStake, uint64 snapshotEpoch) {
        Snapshot storage s = _snapshots[_snapshotIndexFor(epoch)];
        return (s.entries.length, s.totalStake, s.epoch);
    }

    function snapshotCount() external view returns (uint256) {
        return _snapshots.length;
    }

    /// @notice Epoch of the latest snapshot; reverts if none was taken yet.
    function lastSnapshotEpoch() external view returns (uint64) {
        if (_snapshots.length == 0) revert NoSnapshot(0);
        return _snapshots[_snapshots.length - 1].epoch;
    }

    function candidates() external view returns (uint256[] memory) {
        return _candidates;
    }

    function isCandidate(uint256 nodeId) external view returns (bool) {
        return _candidateIndex[nodeId] != 0;
    }

    /// @notice Token value of `delegator`'s bonded stake in `nodeId` (self-stake when delegator is the operator).
    function stakeOf(address delegator, uint256 nodeId) public view returns (uint256) {
        Pool storage pool = _pools[nodeId];
        Position storage pos = _positions[delegator][nodeId];
        uint256 held = pos.activeShares + pos.pendingShares;
        return held == 0 ? 0 : (held * pool.stake) / pool.shares;
    }

    function selfStakeOf(uint256 nodeId) public view returns (uint256) {
        return stakeOf(registry.operatorOf(nodeId), nodeId);
    }

    /// @notice The stake pools of a node.
    function poolOf(uint256 nodeId)
        external
        view
        returns (
            uint256 bondedStake,
            uint256 bondedShares,
            uint256 unbondingStake,
            uint256 unbondingShares,
            uint256 commissionOwed
        )
    {
        Pool storage p = _pools[nodeId];
        return (p.stake, p.shares, p.unbondingStake, p.unbondingShares, p.commissionOwed);
    }

    /// @notice Shares of a position: `earning` ones and `pending` ones (earning from the next snapshot).
    function positionOf(address delegator, uint256 nodeId)
        external
        view
        returns (uint256 earningShares, uint256 pendingShares)
    {
        Position storage pos = _positions[delegator][nodeId];
        earningShares = pos.activeShares;
        pendingShares = pos.pendingShares;
        if (pendingShares != 0 && pos.pendingTag < _snapshots.length) {
            earningShares += pendingShares;
            pendingShares = 0;
        }
    }

    /// @notice Rewards `delegator` could claim from `nodeId` now.
    function pendingRewards(address delegator, uint256 nodeId) external view returns (uint256 owed) {
        Pool storage pool = _pools[nodeId];
        Position storage pos = _positions[delegator][nodeId];
        uint256 acc = pool.accRewardPerShare;
        owed = pos.rewardsOwed + (pos.activeShares * acc) / ACC - pos.rewardDebt;
        if (pos.pendingShares != 0 && pos.pendingTag < _snapshots.length) {
            uint256 a0 = (pool.pendingShares != 0 && pool.pendingTag == pos.pendingTag)
                ? acc // the pool has not been synced since: the accumulator has not moved either
                : _activationAcc[nodeId][pos.pendingTag];
            owed += (pos.pendingShares * acc) / ACC - (pos.pendingShares * a0) / ACC;
        }
    }

    /// @notice An unbonding entry and its current value (after any slashing).
    function unbondingOf(uint256 unbondingId)
        external
        view
        returns (address owner, uint256 nodeId, uint64 releaseTime, uint256 amount)
    {
        Unbonding storage u = _unbondings[unbondingId];
        owner = u.owner;
        nodeId = u.nodeId;
        releaseTime = u.releaseTime;
        if (u.shares != 0) {
            Pool storage pool = _pools[u.nodeId];
            amount = (u.shares * pool.unbondingStake) / pool.unbondingShares;
        }
    }

    // ================================================================ internals: accounting

    /// @dev Moves the pool's pending shares into the reward-bearing ones once a snapshot followed their bonding,
    ///      remembering the accumulator at that moment for the positions that own them.
    function _syncPool(uint256 nodeId, Pool storage pool) private {
        if (pool.pendingShares != 0 && pool.pendingTag < _snapshots.length) {
            _activationAcc[nodeId][pool.pendingTag] = pool.accRewardPerShare;
            pool.rewardShares += pool.pendingShares;
            pool.pendingShares = 0;
        }
    }

    /// @dev Credits what the position earned since its last sync; activates its pending shares if due.
    ///      Call after `_syncPool` of the same node.
    function _syncPosition(uint256 nodeId, Pool storage pool, Position storage pos) private {
        uint256 acc = pool.accRewardPerShare;
        uint256 owed = (pos.activeShares * acc) / ACC - pos.rewardDebt;
        if (pos.pendingShares != 0 && pos.pendingTag < _snapshots.length) {
            uint256 a0 = _activationAcc[nodeId][pos.pendingTag];
            owed += (pos.pendingShares * acc) / ACC - (pos.pendingShares * a0) / ACC;
            pos.activeShares += pos.pendingShares;
            pos.pendingShares = 0;
        }
        if (owed != 0) pos.rewardsOwed += owed;
        pos.rewardDebt = (pos.activeShares * acc) / ACC;
    }

    function _distribute(uint256 snapshotIndex, uint64 epochs) private {
        Snapshot storage s = _snapshots[snapshotIndex];
        uint256 total = s.totalStake;
        uint256 n = s.entries.length;
        if (total == 0 || n == 0 || inflationRateBps == 0) return;
        uint256 reward = _inflation(epochs);
        uint256 credited = 0;
        for (uint256 i = 0; i < n; i++) {
            credited += _creditNode(s, i, reward, total);
        }
        rewardsCredited += credited;
        emit RewardsDistributed(s.epoch, epochs, credited);
    }

    /// @dev Inflation of `epochs` epochs: supplyBase = supply + credited-but-unclaimed rewards.
    function _inflation(uint64 epochs) private view returns (uint256) {
        uint256 supplyBase = token.totalSupply() + (rewardsCredited - rewardsClaimed);
        return (supplyBase * inflationRateBps * uint256(epochLength) * epochs) / (BPS * YEAR);
    }

    /// @dev Credits entry `i` of snapshot `s` its stake's part of `reward`: commission to the operator, the rest to
    ///      the node's earning shares. Returns what was credited.
    function _creditNode(Snapshot storage s, uint256 i, uint256 reward, uint256 total) private returns (uint256) {
        (uint256 nodeId, uint256 stake, uint256 commissionBps) = _unpack(s.entries[i]);
        uint256 nodeReward = (reward * stake) / total;
        Pool storage pool = _pools[nodeId];
        _syncPool(nodeId, pool);
        uint256 commission = (nodeReward * commissionBps) / BPS;
        uint256 rest = nodeReward - commission;
        if (pool.rewardShares == 0) {
            rest = 0; // nobody left earning on this node: that part is simply not issued
        } else if (rest != 0) {
            pool.accRewardPerShare += (rest * ACC) / pool.rewardShares;
        }
        pool.commissionOwed += commission;
        emit NodeRewarded(nodeId, s.epoch, commission, rest);
        return commission + rest;
    }

    // ================================================================ internals: active set

    function _takeSnapshot(uint64 epoch) private {
        // 1. Prune ineligible candidates and build the ranking keys of the rest. Iterating backwards keeps
        //    swap-and-pop removal safe.
        uint256[] memory keys = new uint256[](_candidates.length);
        uint256 k = 0;
        for (uint256 i = _candidates.length; i > 0; i--) {
            uint256 nodeId = _candidates[i - 1];
            if (_eligible(nodeId)) {
                keys[k++] = _rankKey(nodeId);
            } else {
                _removeCandidate(nodeId);
            }
        }
        // 2. Select the top `maxActiveNodes` with a binary heap: O(k + m log k).
        uint256 m = k < maxActiveNodes ? k : maxActiveNodes;
        for (uint256 i = k / 2; i > 0; i--) {
            _siftDown(keys, i - 1, k);
        }
        Snapshot storage s = _snapshots.push();
        s.epoch = epoch;
        uint256[] memory nodeIds = new uint256[](m);
        uint256[] memory stakes = new uint256[](m);
        uint256 total = 0;
        uint256 heapSize = k;
        for (uint256 j = 0; j < m; j++) {
            uint256 top = keys[0];
            heapSize--;
            keys[0] = keys[heapSize];
            _siftDown(keys, 0, heapSize);
            uint256 nodeId = type(uint64).max - uint64(top);
            uint256 stake = top >> 64;
            uint256 commission = registry.commissionOf(nodeId);
            s.entries.push((nodeId << 160) | (commission << 128) | stake);
            nodeIds[j] = nodeId;
            stakes[j] = stake;
            total += stake;
        }
        s.totalStake = total;
        emit EpochSnapshotted(epoch, nodeIds, stakes, total);
    }

    /// @dev Ranking key: higher is stronger. stake (<= 2^128) in the high bits, then the inverted id so that
    ///      a lower id wins a tie. Keys are unique because ids are.
    function _rankKey(uint256 nodeId) private view returns (uint256) {
        return (uint256(_pools[nodeId].stake.toUint128()) << 64) | (type(uint64).max - nodeId.toUint64());
    }

    function _siftDown(uint256[] memory a, uint256 i, uint256 n) private pure {
        while (true) {
            uint256 c = 2 * i + 1;
            if (c >= n) return;
            if (c + 1 < n && a[c + 1] > a[c]) c++;
            if (a[c] <= a[i]) return;
            (a[c], a[i]) = (a[i], a[c]);
            i = c;
        }
    }

    function _eligible(uint256 nodeId) private view returns (bool) {
        Pool storage pool = _pools[nodeId];
        if (pool.stake == 0 || !registry.isRegistered(nodeId)) return false;
        Position storage own = _positions[pool.operator][nodeId];
        return ((own.activeShares + own.pendingShares) * pool.stake) / pool.shares >= minSelfStake;
    }

    /// @dev Adds an eligible node to the candidate list when there is room; removes an ineligible one.
    ///      `mayAdd` is false after an undelegation (which can only lower eligibility).
    function _refreshCandidacy(uint256 nodeId, bool mayAdd) private {
        bool listed = _candidateIndex[nodeId] != 0;
        bool eligible = _eligible(nodeId);
        if (eligible && !listed && mayAdd && _candidates.length < maxCandidates) {
            _addCandidate(nodeId);
        } else if (!eligible && listed) {
            _removeCandidate(nodeId);
        }
    }

    function _addCandidate(uint256 nodeId) private {
        _candidates.push(nodeId);
        _candidateIndex[nodeId] = _candidates.length;
        emit CandidateAdded(nodeId);
    }

    function _removeCandidate(uint256 nodeId) private {
        uint256 idx = _candidateIndex[nodeId] - 1;
        uint256 lastId = _candidates[_candidates.length - 1];
        _candidates[idx] = lastId;
        _candidateIndex[lastId] = idx + 1;
        _candidates.pop();
        delete _candidateIndex[nodeId];
        emit CandidateRemoved(nodeId);
    }

    /// @dev Index of the latest snapshot taken at an epoch <= `epoch` (binary search).
    function _snapshotIndexFor(uint64 epoch) private view returns (uint256) {
        uint256 lo = 0;
        uint256 hi = _snapshots.length;
        while (lo < hi) {
            uint256 mid = (lo + hi) / 2;
            if (_snapshots[mid].epoch <= epoch) lo = mid + 1;
            else hi = mid;
        }
        if (lo == 0) revert NoSnapshot(epoch);
        return lo - 1;
    }

    function _unpack(uint256 e) private pure returns (uint256 nodeId, uint256 stake, uint256 commissionBps) {
        nodeId = e >> 160;
        commissionBps = (e >> 128) & 0xffffffff;
        stake = uint128(e);
    }

    function _ceilDiv(uint256 a, uint256 b) private pure returns (uint256) {
        return a == 0 ? 0 : (a - 1) / b + 1;
    }

    // ================================================================ internals: governance

    /// @dev A governance change: checks the caller and the value, and outside bootstrap consumes the matured
    ///      proposal of exactly this value; then applies it.
    function _change(Parameter p, uint256 value) private {
        _checkRole(GOVERNANCE_ROLE);
        bool timelocked = !bootstrapping();
        _checkChange(p, value, timelocked);
        if (timelocked) {
            Proposal memory q = proposals[p];
            if (q.eta == 0 || q.value != value) revert ChangeNotProposed(p, value);
            if (block.timestamp < q.eta) revert ChangeNotReady(p, q.eta);
            if (block.timestamp > uint256(q.eta) + EXECUTION_WINDOW) revert ChangeExpired(p, q.eta);
            delete proposals[p];
        }
        _apply(p, value);
    }

    /// @dev Reverts unless `value` is within `p`'s absolute bounds and, when `stepped`, within one step of the value
    ///      in force. Step: an absolute amount for the rates, a factor of two either way for the other numbers.
    function _checkChange(Parameter p, uint256 value, bool stepped) private view {
        uint256 current;
        uint256 maxStep; // 0: a factor of two
        if (p == Parameter.MaxActiveNodes) {
            if (value == 0 || value > MAX_ACTIVE_NODES) revert InvalidParameter();
            current = maxActiveNodes;
        } else if (p == Parameter.InflationRate) {
            if (value > MAX_INFLATION_BPS) revert InvalidParameter();
            (current, maxStep) = (inflationRateBps, MAX_INFLATION_STEP_BPS);
        } else if (p == Parameter.MinSelfStake) {
            if (value == 0) revert InvalidParameter();
            current = minSelfStake;
        } else if (p == Parameter.ReporterReward) {
            if (value > MAX_REPORTER_REWARD_BPS) revert InvalidParameter();
            (current, maxStep) = (reporterRewardBps, MAX_REPORTER_REWARD_STEP_BPS);
        } else if (p == Parameter.Consensus) {
            if (consensus != address(0)) revert ConsensusAlreadyBound(consensus);
            if (value > type(uint160).max || address(uint160(value)).code.length == 0) {
                revert NotAContract(address(uint160(value)));
            }
            return;
        } else {
            if (value == 0) revert ZeroAddress();
            if (checkpoints != address(0)) revert CheckpointsAlreadyBound(checkpoints);
            if (value != uint160(consensus)) revert NotConsensus(address(uint160(value)));
            return;
        }
        if (stepped) {
            uint256 diff = value > current ? value - current : current - value;
            uint256 limit = maxStep != 0 ? maxStep : (value < current ? value : current);
            if (diff > limit) revert StepTooLarge(p, current, value);
        }
    }

    function _apply(Parameter p, uint256 value) private {
        if (p == Parameter.MaxActiveNodes) {
            maxActiveNodes = value;
            emit MaxActiveNodesSet(value);
        } else if (p == Parameter.InflationRate) {
            inflationRateBps = value;
            emit InflationRateSet(value);
        } else if (p == Parameter.MinSelfStake) {
            minSelfStake = value;
            emit MinSelfStakeSet(value);
        } else if (p == Parameter.ReporterReward) {
            reporterRewardBps = value;
            emit ReporterRewardSet(value);
        } else if (p == Parameter.Consensus) {
            address c = address(uint160(value));
            consensus = c;
            super._grantRole(CONSENSUS_ROLE, c);
            emit ConsensusBound(c);
        } else {
            checkpoints = address(uint160(value));
            emit CheckpointsBound(checkpoints);
        }
    }

    /// @dev CONSENSUS_ROLE is granted only inside `bindConsensus` (through `super._grantRole`).
    function _grantRole(bytes32 role, address account) internal override returns (bool) {
        if (role == CONSENSUS_ROLE) revert ConsensusRoleLocked();
        return super._grantRole(role, account);
    }

    /// @dev The bound consensus can be neither revoked nor renounced.
    function _revokeRole(bytes32 role, address account) internal override returns (bool) {
        if (role == CONSENSUS_ROLE) revert ConsensusRoleLocked();
        return super._revokeRole(role, account);
    }
}
