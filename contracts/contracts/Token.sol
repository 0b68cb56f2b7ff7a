// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/// @title Token
/// @notice The network's ERC-20 (18 decimals). Anyone may burn their own tokens (or an allowance).
///         New tokens come from exactly two places:
///         1. the genesis supply, minted once in the constructor;
///         2. `mint`, callable only by the holder of MINTER_ROLE, which is the Staking contract (the rewards
///            logic). MINTER_ROLE is granted exactly once, through `bindMinter`, and can never be granted again
///            (not even by the admin). The admin keeps only the power to revoke it, an emergency stop for
///            inflation that cannot be undone.
/// @dev    `totalMinted` and `totalBurned` are kept so that `totalSupply() == totalMinted - totalBurned` can be
///         checked on chain at any time.
contract Token is ERC20, ERC20Burnable, AccessControl {
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    /// @notice Sum of all tokens ever minted (genesis included).
    uint256 public totalMinted;
    /// @notice Sum of all tokens ever burned.
    uint256 public totalBurned;
    /// @notice The address that was bound as minter (zero until `bindMinter`).
    address public minter;

    event MinterBound(address indexed minter);

    error MinterAlreadyBound();
    error MinterRoleLocked();
    error ZeroAddress();

    constructor(
        string memory name_,
        string memory symbol_,
        address admin,
        address genesisHolder,
        uint256 genesisSupply
    ) ERC20(name_, symbol_) {
        if (admin == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        if (genesisSupply > 0) {
            if (genesisHolder == address(0)) revert ZeroAddress();
            _mint(genesisHolder, genesisSupply);
        }
    }

    /// @notice Grants MINTER_ROLE to the rewards contract. Callable once, by the admin.
    function bindMinter(address minter_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (minter_ == address(0)) revert ZeroAddress();
        if (minter != address(0)) revert MinterAlreadyBound();
        minter = minter_;
        super._grantRole(MINTER_ROLE, minter_);
        emit MinterBound(minter_);
    }

    /// @notice Mints inflation rewards. Only the bound minter (Staking) may call it.
    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        _mint(to, amount);
    }

    /// @dev Every grant of MINTER_ROLE except the one inside `bindMinter` is refused.
    function _grantRole(bytes32 role, address account) internal override returns (bool) {
        if (role == MINTER_ROLE) revert MinterRoleLocked();
        return super._grantRole(role, account);
    }

    /// @dev Keeps the minted/burned counters; all balance changes go through here.
    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (from == address(0)) totalMinted += value;
        if (to == address(0)) totalBurned += value;
    }
}
