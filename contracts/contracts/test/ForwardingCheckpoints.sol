// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Checkpoints} from "../Checkpoints.sol";
import {NodeRegistry} from "../NodeRegistry.sol";
import {Staking} from "../Staking.sol";

/// @dev Test-only consensus contract: a Checkpoints whose `forwarder` may also call Staking's two consensus hooks
///      directly, with any node, share or signer list and no evidence at all. Bound as Staking's consensus (before any
///      stake exists), it lets tests exercise Staking's slashing and reward arithmetic without building double-sign
///      evidence or quorum checkpoints, while `submit` and `submitEvidence` keep working as in Checkpoints.
///      It is exactly the kind of contract Staking's binding rules exist to keep away from real stake: never deploy it
///      outside tests.
contract ForwardingCheckpoints is Checkpoints {
    /// @notice The only account whose calls are forwarded.
    address public immutable forwarder;

    error NotForwarder(address caller);

    constructor(Staking staking_, NodeRegistry registry_, address admin, uint256 slashBps_, address forwarder_)
        Checkpoints(staking_, registry_, admin, slashBps_)
    {
        if (forwarder_ == address(0)) revert ZeroAddress();
        forwarder = forwarder_;
    }

    modifier onlyForwarder() {
        if (msg.sender != forwarder) revert NotForwarder(msg.sender);
        _;
    }

    /// @notice `Staking.slash(nodeId, bps, reporter)` on the forwarder's word; Staking's revert data passes through.
    function slash(uint256 nodeId, uint256 bps, address reporter) external onlyForwarder returns (uint256) {
        return staking.slash(nodeId, bps, reporter);
    }

    /// @notice `Staking.rewardSigners(epoch, signerIds)` on the forwarder's word.
    function rewardSigners(uint64 epoch, uint256[] calldata signerIds) external onlyForwarder returns (uint256) {
        return staking.rewardSigners(epoch, signerIds);
    }
}
