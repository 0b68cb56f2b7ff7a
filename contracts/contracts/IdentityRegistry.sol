// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

/// @title IdentityRegistry
/// @notice Maps a wallet to its XMTP identity key, its invite topic and that topic's configuration.
///
///         A change is proved by the wallet itself: either the wallet is msg.sender, or the wallet signed the
///         change as EIP-712 typed data (then anyone, e.g. a relayer, may submit it). EOAs sign with ECDSA; a
///         smart-contract wallet is checked through ERC-1271. Each signed change carries the wallet's current
///         nonce and a deadline. Every change, direct or signed, consumes the wallet's nonce, so a signature
///         that was handed out but not used becomes void as soon as the wallet changes anything itself.
///
///         Invite topics are unique: one topic belongs to at most one wallet, so a node enforcing a topic's
///         policy finds exactly one configuration for it. Revoking frees the topic. The XMTP V2 conventional
///         name `/xmtp/0/invite-0x<40 hex>/proto` is reserved for the wallet whose address it spells (compared
///         case-insensitively), so nobody can squat another wallet's conventional invite topic.
///
///         Every event carries every field, so an indexer never needs to read state.
contract IdentityRegistry is EIP712, Nonces {
    /// @notice Who may publish to the invite topic.
    ///         OPEN: anyone. FEE: a sender escrows `fee` network tokens, refundable by the recipient.
    ///         CREDENTIAL: a sender presents an anonymous credential issued under `credentialIssuerKey`.
    enum PublishPolicy {
        OPEN,
        FEE,
        CREDENTIAL
    }

    /// @notice What a node does when the topic is over its storage quota.
    ///         DROP_OLDEST: accept the new message and evict the oldest. REJECT_NEW: refuse new messages.
    enum EvictionPolicy {
        DROP_OLDEST,
        REJECT_NEW
    }

    struct Identity {
        bytes identityKey; // 65-byte uncompressed secp256k1 public key (0x04 || X || Y)
        string inviteTopic;
        PublishPolicy publishPolicy;
        uint256 fee; // FEE only; in network tokens (smallest unit)
        bytes credentialIssuerKey; // CREDENTIAL only
        uint16 retentionDays;
        EvictionPolicy evictionPolicy;
    }

    uint256 public constant IDENTITY_KEY_LENGTH = 65;
    uint256 public constant MAX_TOPIC_LENGTH = 128;
    uint256 public constant MAX_ISSUER_KEY_LENGTH = 256;
    uint16 public constant MAX_RETENTION_DAYS = 365;

    bytes32 public constant REGISTER_TYPEHASH = keccak256(
        "Register(address wallet,bytes identityKey,string inviteTopic,uint8 publishPolicy,uint256 fee,"
        "bytes credentialIssuerKey,uint16 retentionDays,uint8 evictionPolicy,uint256 nonce,uint256 deadline)"
    );
    bytes32 public constant UPDATE_TYPEHASH = keccak256(
        "Update(address wallet,bytes identityKey,string inviteTopic,uint8 publishPolicy,uint256 fee,"
        "bytes credentialIssuerKey,uint16 retentionDays,uint8 evictionPolicy,uint256 nonce,uint256 deadline)"
    );
    bytes32 public constant REVOKE_TYPEHASH = keccak256("Revoke(address wallet,uint256 nonce,uint256 deadline)");

    mapping(address wallet => Identity) private _identities;
    mapping(bytes32 topicHash => address wallet) private _topicOwner;

    event IdentityRegistered(
        address indexed wallet,
        bytes identityKey,
        string inviteTopic,
        uint8 publishPolicy,
        uint256 fee,
        bytes credentialIssuerKey,
        uint16 retentionDays,
        uint8 evictionPolicy,
        uint256 nonce
    );
    event IdentityUpdated(
        address indexed wallet,
        bytes identityKey,
        string inviteTopic,
        uint8 publishPolicy,
        uint256 fee,
        bytes credentialIssuerKey,
        uint16 retentionDays,
        uint8 evictionPolicy,
        uint256 nonce
    );
    event IdentityRevoked(address indexed wallet, string inviteTopic, uint256 nonce);

    error AlreadyRegistered(address wallet);
    error NotRegistered(address wallet);
    error InvalidIdentityKey();
    error InvalidTopic();
    error TopicTaken(string inviteTopic, address owner);
    error TopicReserved(string inviteTopic, address reservedFor);
    error InvalidPolicy();
    error InvalidRetention(uint16 retentionDays);
    error InvalidEviction(uint8 evictionPolicy);
    error ExpiredSignature(uint256 deadline);
    error InvalidSignature();

    constructor() EIP712("XMTPJ IdentityRegistry", "1") {}

    // ---------------------------------------------------------------- direct (msg.sender is the wallet)

    function register(
        bytes memory identityKey,
        string memory inviteTopic,
        uint8 publishPolicy,
        uint256 fee,
        bytes memory credentialIssuerKey,
        uint16 retentionDays,
        uint8 evictionPolicy
    ) external {
        Identity memory id =
            _build(identityKey, inviteTopic, publishPolicy, fee, credentialIssuerKey, retentionDays, evictionPolicy);
        _register(msg.sender, id, _useNonce(msg.sender));
    }

    function update(
        bytes memory identityKey,
        string memory inviteTopic,
        uint8 publishPolicy,
        uint256 fee,
        bytes memory credentialIssuerKey,
        uint16 retentionDays,
        uint8 evictionPolicy
    ) external {
        Identity memory id =
            _build(identityKey, inviteTopic, publishPolicy, fee, credentialIssuerKey, retentionDays, evictionPolicy);
        _update(msg.sender, id, _useNonce(msg.sender));
    }

    function revoke() external {
        _revoke(msg.sender, _useNonce(msg.sender));
    }

    // ---------------------------------------------------------------- signed (anyone submits)

    /// @notice Registers `wallet` with a `Register` EIP-712 signature by the wallet over the current nonce.
    function registerFor(
        address wallet,
        bytes memory identityKey,
        string memory inviteTopic,
        uint8 publishPolicy,
        uint256 fee,
        bytes memory credentialIssuerKey,
        uint16 retentionDays,
        uint8 evictionPolicy,
        uint256 deadline,
        bytes memory signature
    ) external {
        Identity memory id =
            _build(identityKey, inviteTopic, publishPolicy, fee, credentialIssuerKey, retentionDays, evictionPolicy);
        uint256 nonce = _useNonce(wallet);
        _checkSignature(wallet, _identityDigest(REGISTER_TYPEHASH, wallet, id, nonce, deadline), deadline, signature);
        _register(wallet, id, nonce);
    }

    /// @notice Updates `wallet` with an `Update` EIP-712 signature by the wallet over the current nonce.
    function updateFor(
        address wallet,
        bytes memory identityKey,
        string memory inviteTopic,
        uint8 publishPolicy,
        uint256 fee,
        bytes memory credentialIssuerKey,
        uint16 retentionDays,
        uint8 evictionPolicy,
        uint256 deadline,
        bytes memory signature
    ) external {
        Identity memory id =
            _build(identityKey, inviteTopic, publishPolicy, fee, credentialIssuerKey, retentionDays, evictionPolicy);
        uint256 nonce = _useNonce(wallet);
        _checkSignature(wallet, _identityDigest(UPDATE_TYPEHASH, wallet, id, nonce, deadline), deadline, signature);
        _update(wallet, id, nonce);
    }

    /// @notice Revokes `wallet` with a `Revoke` EIP-712 signature by the wallet over the current nonce.
    function revokeFor(address wallet, uint256 deadline, bytes memory signature) external {
        uint256 nonce = _useNonce(wallet);
        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(REVOKE_TYPEHASH, wallet, nonce, deadline)));
        _checkSignature(wallet, digest, deadline, signature);
        _revoke(wallet, nonce);
    }

    // ---------------------------------------------------------------- reads

    function isRegistered(address wallet) public view returns (bool) {
        return _identities[wallet].identityKey.length != 0;
    }

    /// @notice The registry entry of `wallet`; reverts if it has none.
    function identityOf(address wallet)
        external
        view
        returns (
            bytes memory identityKey,
            string memory inviteTopic,
            uint8 publishPolicy,
            uint256 fee,
            bytes memory credentialIssuerKey,
            uint16 retentionDays,
            uint8 evictionPolicy
        )
    {
        Identity storage s = _identities[wallet];
        if (s.identityKey.length == 0) revert NotRegistered(wallet);
        return (
            s.identityKey,
            s.inviteTopic,
            uint8(s.publishPolicy),
            s.fee,
            s.credentialIssuerKey,
            s.retentionDays,
            uint8(s.evictionPolicy)
        );
    }

    /// @notice The wallet that owns `inviteTopic` (zero if none).
    function topicOwner(string calldata inviteTopic) external view returns (address) {
        return _topicOwner[keccak256(bytes(inviteTopic))];
    }

    /// @notice The EIP-712 domain separator (for clients that build digests themselves).
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    // ---------------------------------------------------------------- internals

    function _register(address wallet, Identity memory id, uint256 nonce) private {
        if (isRegistered(wallet)) revert AlreadyRegistered(wallet);
        _claimTopic(wallet, id.inviteTopic);
        _store(wallet, id);
        emit IdentityRegistered(
            wallet,
            id.identityKey,
            id.inviteTopic,
            uint8(id.publishPolicy),
            id.fee,
            id.credentialIssuerKey,
            id.retentionDays,
            uint8(id.evictionPolicy),
            nonce
        );
    }

    function _update(address wallet, Identity memory id, uint256 nonce) private {
        Identity storage s = _identities[wallet];
        if (s.identityKey.length == 0) revert NotRegistered(wallet);
        bytes32 oldTopic = keccak256(bytes(s.inviteTopic));
        if (oldTopic != keccak256(bytes(id.inviteTopic))) {
            _claimTopic(wallet, id.inviteTopic);
            delete _topicOwner[oldTopic];
        }
        _store(wallet, id);
        emit IdentityUpdated(
            wallet,
            id.identityKey,
            id.inviteTopic,
            uint8(id.publishPolicy),
            id.fee,
            id.credentialIssuerKey,
            id.retentionDays,
            uint8(id.evictionPolicy),
            nonce
        );
    }

    function _revoke(address wallet, uint256 nonce) private {
        Identity storage s = _identities[wallet];
        if (s.identityKey.length == 0) revert NotRegistered(wallet);
        string memory topic = s.inviteTopic;
        delete _topicOwner[keccak256(bytes(topic))];
        delete _identities[wallet];
        emit IdentityRevoked(wallet, topic, nonce);
    }

    function _store(address wallet, Identity memory id) private {
        Identity storage s = _identities[wallet];
        s.identityKey = id.identityKey;
        s.inviteTopic = id.inviteTopic;
        s.publishPolicy = id.publishPolicy;
        s.fee = id.fee;
        s.credentialIssuerKey = id.credentialIssuerKey;
        s.retentionDays = id.retentionDays;
        s.evictionPolicy = id.evictionPolicy;
    }

    function _claimTopic(address wallet, string memory topic) private {
        (bool conventional, address reservedFor) = _conventionalOwner(bytes(topic));
        if (conventional && reservedFor != wallet) revert TopicReserved(topic, reservedFor);
        bytes32 h = keccak256(bytes(topic));
        address owner = _topicOwner[h];
        if (owner != address(0)) revert TopicTaken(topic, owner);
        _topicOwner[h] = wallet;
    }

    /// @dev Validates every field and returns the typed record.
    function _build(
        bytes memory identityKey,
        string memory inviteTopic,
        uint8 publishPolicy,
        uint256 fee,
        bytes memory credentialIssuerKey,
        uint16 retentionDays,
        uint8 evictionPolicy
    ) private pure returns (Identity memory id) {
        if (identityKey.length != IDENTITY_KEY_LENGTH || identityKey[0] != 0x04) revert InvalidIdentityKey();
        _checkTopic(inviteTopic);
        if (publishPolicy > uint8(PublishPolicy.CREDENTIAL)) revert InvalidPolicy();
        PublishPolicy policy = PublishPolicy(publishPolicy);
        if (policy == PublishPolicy.FEE) {
            if (fee == 0 || credentialIssuerKey.length != 0) revert InvalidPolicy();
        } else if (policy == PublishPolicy.CREDENTIAL) {
            if (fee != 0 || credentialIssuerKey.length == 0 || credentialIssuerKey.length > MAX_ISSUER_KEY_LENGTH) {
                revert InvalidPolicy();
            }
        } else if (fee != 0 || credentialIssuerKey.length != 0) {
            revert InvalidPolicy();
        }
        if (retentionDays == 0 || retentionDays > MAX_RETENTION_DAYS) revert InvalidRetention(retentionDays);
        if (evictionPolicy > uint8(EvictionPolicy.REJECT_NEW)) revert InvalidEviction(evictionPolicy);
        id = Identity(
            identityKey, inviteTopic, policy, fee, credentialIssuerKey, retentionDays, EvictionPolicy(evictionPolicy)
        );
    }

    /// @dev Recognises `/xmtp/0/invite-0x<40 hex digits>/proto` and returns the address it names.
    function _conventionalOwner(bytes memory t) private pure returns (bool, address) {
        bytes memory prefix = "/xmtp/0/invite-0x";
        bytes memory suffix = "/proto";
        if (t.length != prefix.length + 40 + suffix.length) return (false, address(0));
        for (uint256 i = 0; i < prefix.length; i++) {
            if (t[i] != prefix[i]) return (false, address(0));
        }
        for (uint256 i = 0; i < suffix.length; i++) {
            if (t[prefix.length + 40 + i] != suffix[i]) return (false, address(0));
        }
        uint160 a = 0;
        for (uint256 i = 0; i < 40; i++) {
            uint8 c = uint8(t[prefix.length + i]);
            uint8 v;
            if (c >= 0x30 && c <= 0x39) v = c - 0x30;
            else if (c >= 0x61 && c <= 0x66) v = c - 0x61 + 10;
            else if (c >= 0x41 && c <= 0x46) v = c - 0x41 + 10;
            else return (false, address(0));
            a = (a << 4) | v;
        }
        return (true, address(a));
    }

    /// @dev A topic is 1..128 printable ASCII characters without spaces (0x21..0x7e).
    function _checkTopic(string memory topic) private pure {
        bytes memory b = bytes(topic);
        if (b.length == 0 || b.length > MAX_TOPIC_LENGTH) revert InvalidTopic();
        for (uint256 i = 0; i < b.length; i++) {
            if (b[i] < 0x21 || b[i] > 0x7e) revert InvalidTopic();
        }
    }

    function _identityDigest(bytes32 typehash, address wallet, Identity memory id, uint256 nonce, uint256 deadline)
        private
        view
        returns (bytes32)
    {
        bytes memory head = abi.encode(
            typehash,
            wallet,
            keccak256(id.identityKey),
            keccak256(bytes(id.inviteTopic)),
            uint8(id.publishPolicy),
            id.fee
        );
        bytes memory tail = abi.encode(
            keccak256(id.credentialIssuerKey), id.retentionDays, uint8(id.evictionPolicy), nonce, deadline
        );
        return _hashTypedDataV4(keccak256(bytes.concat(head, tail)));
    }

    function _checkSignature(address wallet, bytes32 digest, uint256 deadline, bytes memory signature) private view {
        if (block.timestamp > deadline) revert ExpiredSignature(deadline);
        if (!SignatureChecker.isValidSignatureNow(wallet, digest, signature)) revert InvalidSignature();
    }
}
