// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ed25519} from "./lib/Ed25519.sol";

/// @title NodeRegistry
/// @notice Permissionless registry of messaging nodes. A node is identified by a sequential id (1, 2, 3, ...) and
///         has an operator (the registering address, which also signs checkpoints with its secp256k1 key), an
///         Ed25519 node key (32 bytes, the key the node signs events with and authenticates to peers with), a
///         public endpoint and a commission in basis points.
///
///         Rules:
///         - one registered node per operator address at a time;
///         - registering a node key takes a proof of possession: an Ed25519 signature by that key over
///           `registrationMessage(operator, nodeKey)`, which names the chain, this registry and the operator. A node
///           key is public (it is in every replication handshake), so without the proof anyone could register an
///           honest operator's key first and be attributed its signatures; with it, a key is bound only to an
///           operator its holder chose, and a proof cannot be replayed for another operator, chain or registry;
///         - node keys are unique forever: a key that was ever registered can never be registered again, even
///           after its node deregistered, so a signature made with it can only ever be attributed to one node id;
///         - commission decreases take effect immediately; an increase is scheduled and takes effect
///           `commissionIncreaseDelay` seconds later (the deploy sets this to at least one epoch, so delegators
///           always have a full epoch of notice to undelegate); a later change replaces a pending increase;
///         - deregistration is final for that node id (the operator may register a new node with a new key).
///
///         This contract holds no tokens and has no admin. Stake lives in Staking, which reads this registry.
contract NodeRegistry {
    /// @notice Hard ceiling for `maxCommissionBps` (100%).
    uint16 public constant BPS = 10_000;
    /// @notice Maximum length of an endpoint, in bytes.
    uint256 public constant MAX_ENDPOINT_LENGTH = 256;
    /// @notice First bytes of the message a node key signs to register (see registrationMessage): a signature for
    ///         this purpose can never be mistaken for one the key makes for events or handshakes.
    string public constant REGISTRATION_DOMAIN = "xmtpj-node-registration-v1";

    struct Node {
        address operator; // 20 bytes
        uint16 commissionBps; // in force (unless a pending increase has matured, see commissionOf)
        uint16 pendingCommissionBps; // 0 = nothing pending (a pending increase is always > commissionBps >= 0)
        uint64 pendingCommissionAt; // timestamp at which the pending increase takes effect
        bool registered;
        uint64 registeredAt;
        bytes32 nodeKey;
        string endpoint;
    }

    /// @notice Largest commission a node may charge, in basis points.
    uint16 public immutable maxCommissionBps;
    /// @notice Seconds between scheduling a commission increase and it taking effect.
    uint64 public immutable commissionIncreaseDelay;

    uint256 private _nodeCount;
    mapping(uint256 nodeId => Node) private _nodes;
    mapping(bytes32 nodeKey => uint256 nodeId) private _nodeIdByKey;
    mapping(address operator => uint256 nodeId) private _nodeIdByOperator;

    event NodeRegistered(
        uint256 indexed nodeId,
        address indexed operator,
        bytes32 indexed nodeKey,
        string endpoint,
        uint16 commissionBps
    );
    /// @notice Emitted whenever the endpoint or the commission in force changes; carries the full new state.
    event NodeUpdated(uint256 indexed nodeId, string endpoint, uint16 commissionBps);
    /// @notice A commission increase was scheduled (it replaces any previously pending one).
    event CommissionIncreaseScheduled(uint256 indexed nodeId, uint16 commissionBps, uint64 effectiveAt);
    event NodeDeregistered(uint256 indexed nodeId, address indexed operator);

    error InvalidMaxCommission(uint16 maxCommissionBps);
    error ZeroNodeKey();
    error NodeKeyTaken(bytes32 nodeKey);
    error InvalidNodeKeySignature(bytes32 nodeKey);
    error OperatorHasNode(address operator, uint256 nodeId);
    error InvalidEndpoint();
    error CommissionTooHigh(uint16 commissionBps, uint16 maxCommissionBps);
    error UnknownNode(uint256 nodeId);
    error NotOperator(uint256 nodeId, address caller);
    error NodeNotRegistered(uint256 nodeId);
    error CommissionUnchanged(uint16 commissionBps);

    constructor(uint16 maxCommissionBps_, uint64 commissionIncreaseDelay_) {
        if (maxCommissionBps_ > BPS) revert InvalidMaxCommission(maxCommissionBps_);
        maxCommissionBps = maxCommissionBps_;
        commissionIncreaseDelay = commissionIncreaseDelay_;
    }

    // ---------------------------------------------------------------- writes

    /// @notice Registers a node operated by msg.sender.
    /// @param nodeKeySignature the node key's Ed25519 signature (R ‖ S, 64 bytes) of
    ///        `registrationMessage(msg.sender, nodeKey)`: proof that whoever holds the node's private key chose
    ///        msg.sender as its operator
    /// @return nodeId the new node's id (ids start at 1 and increase by 1)
    function register(bytes32 nodeKey, string calldata endpoint, uint16 commissionBps, bytes calldata nodeKeySignature)
        external
        returns (uint256 nodeId)
    {
        if (nodeKey == bytes32(0)) revert ZeroNodeKey();
        if (_nodeIdByKey[nodeKey] != 0) revert NodeKeyTaken(nodeKey);
        uint256 existing = _nodeIdByOperator[msg.sender];
        if (existing != 0) revert OperatorHasNode(msg.sender, existing);
        _checkEndpoint(endpoint);
        if (commissionBps > maxCommissionBps) revert CommissionTooHigh(commissionBps, maxCommissionBps);
        // last: the cheap checks above answer a doomed call without the ~0.5 M gas of a verification
        if (!Ed25519.verify(nodeKey, nodeKeySignature, registrationMessage(msg.sender, nodeKey))) {
            revert InvalidNodeKeySignature(nodeKey);
        }

        nodeId = ++_nodeCount;
        Node storage n = _nodes[nodeId];
        n.operator = msg.sender;
        n.commissionBps = commissionBps;
        n.registered = true;
        n.registeredAt = uint64(block.timestamp);
        n.nodeKey = nodeKey;
        n.endpoint = endpoint;
        _nodeIdByKey[nodeKey] = nodeId;
        _nodeIdByOperator[msg.sender] = nodeId;
        emit NodeRegistered(nodeId, msg.sender, nodeKey, endpoint, commissionBps);
    }

    /// @notice Changes the public endpoint of a node.
    function updateEndpoint(uint256 nodeId, string calldata endpoint) external {
        Node storage n = _operatedNode(nodeId);
        _checkEndpoint(endpoint);
        _applyMaturedCommission(n);
        n.endpoint = endpoint;
        emit NodeUpdated(nodeId, endpoint, n.commissionBps);
    }

    /// @notice Changes the commission. A value not above the commission in force applies at once (and cancels a
    ///         pending increase); a higher value is scheduled `commissionIncreaseDelay` seconds ahead.
    function setCommission(uint256 nodeId, uint16 commissionBps) external {
        Node storage n = _operatedNode(nodeId);
        if (commissionBps > maxCommissionBps) revert CommissionTooHigh(commissionBps, maxCommissionBps);
        _applyMaturedCommission(n);
        uint16 current = n.commissionBps;
        if (commissionBps <= current) {
            if (commissionBps == current && n.pendingCommissionBps == 0) revert CommissionUnchanged(commissionBps);
            n.commissionBps = commissionBps;
            n.pendingCommissionBps = 0;
            n.pendingCommissionAt = 0;
            emit NodeUpdated(nodeId, n.endpoint, commissionBps);
        } else {
            uint64 effectiveAt = uint64(block.timestamp) + commissionIncreaseDelay;
            n.pendingCommissionBps = commissionBps;
            n.pendingCommissionAt = effectiveAt;
            emit CommissionIncreaseScheduled(nodeId, commissionBps, effectiveAt);
        }
    }

    /// @notice Removes a node for good. Its key stays reserved; its stake stays in Staking until withdrawn, but
    ///         it is no longer eligible for the active set.
    function deregister(uint256 nodeId) external {
        Node storage n = _operatedNode(nodeId);
        _applyMaturedCommission(n);
        n.registered = false;
        n.pendingCommissionBps = 0;
        n.pendingCommissionAt = 0;
        delete _nodeIdByOperator[n.operator];
        emit NodeDeregistered(nodeId, n.operator);
    }

    // ---------------------------------------------------------------- reads

    /// @notice The message `nodeKey` signs so that `operator` can register it here, 130 bytes:
    ///         REGISTRATION_DOMAIN (26 bytes, ASCII) ‖ block.chainid (32 bytes, big-endian) ‖ address(this)
    ///         (20 bytes) ‖ operator (20 bytes) ‖ nodeKey (32 bytes). The chain id and the registry's address keep
    ///         a proof from being replayed on another chain or another deployment; the operator, from being used
    ///         by anyone else (a front-runner copying it from the mempool included); the key, from standing for
    ///         another key.
    function registrationMessage(address operator, bytes32 nodeKey) public view returns (bytes memory) {
        return abi.encodePacked(REGISTRATION_DOMAIN, block.chainid, address(this), operator, nodeKey);
    }

    /// @notice Number of node ids ever assigned; ids are 1..nodeCount().
    function nodeCount() external view returns (uint256) {
        return _nodeCount;
    }

    function isRegistered(uint256 nodeId) external view returns (bool) {
        return _nodes[nodeId].registered;
    }

    /// @notice Operator of a node id (also after deregistration); zero for an unknown id.
    function operatorOf(uint256 nodeId) external view returns (address) {
        return _nodes[nodeId].operator;
    }

    /// @notice The commission in force now, in basis points (a matured scheduled increase included).
    function commissionOf(uint256 nodeId) public view returns (uint16) {
        Node storage n = _nodes[nodeId];
        if (n.pendingCommissionBps != 0 && block.timestamp >= n.pendingCommissionAt) return n.pendingCommissionBps;
        return n.commissionBps;
    }

    /// @notice Node id that holds `nodeKey` (0 if none ever did).
    function nodeIdByKey(bytes32 nodeKey) external view returns (uint256) {
        return _nodeIdByKey[nodeKey];
    }

    /// @notice The node currently registered by `operator` (0 if none).
    function nodeIdOfOperator(address operator) external view returns (uint256) {
        return _nodeIdByOperator[operator];
    }

    /// @notice Everything known about a node. `commissionBps` is the value in force now; a pending increase
    ///         that has not matured yet is reported in `pendingCommissionBps` / `pendingCommissionAt`.
    function getNode(uint256 nodeId)
        external
        view
        returns (
            address operator,
            bytes32 nodeKey,
            string memory endpoint,
            uint16 commissionBps,
            uint16 pendingCommissionBps,
            uint64 pendingCommissionAt,
            bool registered,
            uint64 registeredAt
        )
    {
        Node storage n = _nodes[nodeId];
        if (n.operator == address(0)) revert UnknownNode(nodeId);
        operator = n.operator;
        nodeKey = n.nodeKey;
        endpoint = n.endpoint;
        commissionBps = commissionOf(nodeId);
        if (n.pendingCommissionBps != 0 && block.timestamp < n.pendingCommissionAt) {
            pendingCommissionBps = n.pendingCommissionBps;
            pendingCommissionAt = n.pendingCommissionAt;
        }
        registered = n.registered;
        registeredAt = n.registeredAt;
    }

    // ---------------------------------------------------------------- internals

    function _operatedNode(uint256 nodeId) private view returns (Node storage n) {
        n = _nodes[nodeId];
        if (n.operator == address(0)) revert UnknownNode(nodeId);
        if (n.operator != msg.sender) revert NotOperator(nodeId, msg.sender);
        if (!n.registered) revert NodeNotRegistered(nodeId);
    }

    /// @dev Moves a matured pending increase into `commissionBps` (the event for it was emitted when scheduled).
    function _applyMaturedCommission(Node storage n) private {
        if (n.pendingCommissionBps != 0 && block.timestamp >= n.pendingCommissionAt) {
            n.commissionBps = n.pendingCommissionBps;
            n.pendingCommissionBps = 0;
            n.pendingCommissionAt = 0;
        }
    }

    function _checkEndpoint(string calldata endpoint) private pure {
        uint256 len = bytes(endpoint).length;
        if (len == 0 || len > MAX_ENDPOINT_LENGTH) revert InvalidEndpoint();
    }
}
